/**
 * The Transformer figure style (issue 15): the block diagram of Vaswani et al. (2017,
 * fig. 1) and Dosovitskiy et al. (2021, fig. 1) — stacked sub-blocks bottom to top, the
 * residuals around them, each repeated layer drawn once in a frame with ×N, encoder and
 * decoder side by side with the cross-attention arrow, token rows with their sizes — picked
 * for sequence networks with attention, and printable at one column and two.
 */
import { describe, expect, it } from "vitest";
import { printFigure } from "../../src/fit/print.js";
import { checkScene } from "../../src/scene/check.js";
import type { TransformerFigure, TransformerPart } from "../../src/layout/transformer/index.js";
import { analyzeSource } from "../../src/pipeline.js";
import { renderSvg } from "../../src/render/svg.js";
import { buildScene, figureOf, layout } from "../../src/styles/index.js";
import type { Primitive, TextPrimitive } from "../../src/scene/types.js";
import { readProjectFile } from "../helpers/netfig.js";

const MM = 72 / 25.4;
const template = (name: string) => analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`);

async function figureOfTemplate(name: string): Promise<TransformerFigure> {
  const laidOut = await layout(template(name));
  expect(laidOut.style).toBe("transformer");
  return figureOf(laidOut, "transformer")!;
}

/** The boxes' titles bottom to top (one string a box, its title lines joined), ⊕ as "+", per column (left to right). */
function columnsOf(figure: TransformerFigure): string[][] {
  const items = figure.parts.filter((p) => p.type === "box" || p.type === "sum") as Extract<TransformerPart, { type: "box" | "sum" }>[];
  const main = items.filter((p) => !p.owner.endsWith("-side"));
  const column = (owner: string) => Number(owner.split("-")[1]);
  const columns: string[][] = [];
  for (const p of [...main].sort((a, b) => (p2y(b) - p2y(a)))) {
    const c = column(p.owner);
    const titles = figure.parts.filter((l) => l.type === "label" && l.owner === p.owner && l.label.role === "label-box").map((l) => (l as Extract<TransformerPart, { type: "label" }>).label.text);
    (columns[c] ??= []).push(p.type === "sum" ? "+" : titles.join(" "));
  }
  return columns;
}
const p2y = (p: Extract<TransformerPart, { type: "box" | "sum" }>): number => (p.type === "box" ? p.rect.y + p.rect.height / 2 : p.center[1]);

const textsOf = (primitives: Primitive[]): TextPrimitive[] => primitives.filter((p): p is TextPrimitive => p.type === "text");

describe("the Transformer style", () => {
  it("is picked for the four Transformer templates and for nothing without attention", async () => {
    for (const name of ["vit-b16", "transformer", "bert-base", "gpt-small"]) expect((await layout(template(name))).style, name).toBe("transformer");
    for (const name of ["resnet18", "text-classifier", "rnn", "mlp"]) expect((await layout(template(name))).style, name).not.toBe("transformer");
    await expect(layout(analyzeSource("figure { style: transformer }\ninput 32x32x3\nconv 8 3x3\n", "t.netfig"))).rejects.toThrow("figure: style transformer cannot draw t: it has no attention layer");
  });

  it("leaves a figure that shows activation maps to the blocks style, whose faces show them; asked for by name, it says it draws none", async () => {
    expect((await layout(template("vit-b16"), { activations: true })).style).toBe("blocks");
    await expect(layout(template("vit-b16"), { activations: true, style: "transformer" })).rejects.toThrow("style transformer draws no activation maps");
  });

  it("leaves a figure that draws every repetition (foldRepeats set false) to the blocks style; asked for by name, it says it draws each repeated layer once", async () => {
    // Left at its default, foldRepeats does not keep the diagram from drawing the stack once with ×N.
    expect((await layout(template("vit-b16"))).style).toBe("transformer");
    expect((await layout(template("vit-b16"), { foldRepeats: true })).style).toBe("transformer");
    const everyLayer = await layout(template("vit-b16"), { foldRepeats: false });
    expect(everyLayer.style).toBe("blocks");
    expect(figureOf(everyLayer, "blocks")!.nodes.filter((n) => /^layers\.\d+\.self_attention$/.test(n.id))).toHaveLength(12);
    const unfoldedInFile = analyzeSource(`figure { foldRepeats: false }\n${readProjectFile("templates/vit-b16.netfig")}`, "v.netfig");
    expect((await layout(unfoldedInFile)).style).toBe("blocks");
    await expect(layout(template("vit-b16"), { foldRepeats: false, style: "transformer" })).rejects.toThrow("figure: style transformer draws each repeated layer once with ×N");
  });

  it("refuses what it would misdraw: two attention branches concatenated are not a chain (auto draws them as blocks)", async () => {
    const parallel = "x: input 10x16\na: attention heads=4\nb: attention heads=4 from x\nconcat from a, b\nfc 4\n";
    await expect(layout(analyzeSource(`figure { style: transformer }\n${parallel}`, "t.netfig"))).rejects.toThrow("b reads x beside the layer after it");
    expect((await layout(analyzeSource(parallel, "t.netfig"))).style).toBe("blocks");
  });

  it("draws BERT's segment embedding beside the ⊕ it is added at, named by its input", async () => {
    const figure = await figureOfTemplate("bert-base");
    const side = figure.parts.filter((p) => p.type === "label" && p.owner.endsWith("-side")).map((p) => (p as Extract<TransformerPart, { type: "label" }>).label.text);
    expect(side).toEqual(["Position", "Embedding", "Embedding", "2→768", "segments"]);
  });

  it("draws Vaswani et al.'s encoder and decoder: post-norm sub-blocks, the masked self-attention, heads on top", async () => {
    const [encoder, decoder] = columnsOf(await figureOfTemplate("transformer"));
    expect(encoder).toEqual(["Embedding", "+", "Multi-Head Attention", "Add & Norm", "Feed Forward", "Add & Norm"]);
    expect(decoder).toEqual(["Embedding", "+", "Masked Multi-Head Attention", "Add & Norm", "Multi-Head Attention", "Add & Norm", "Feed Forward", "Add & Norm", "Linear", "Softmax"]);
  });

  it("says under an output head that reads the embedding's table that its weights are tied, and under no other Linear", async () => {
    const details = async (name: string) => {
      const labels = (await figureOfTemplate(name)).parts.filter((p): p is Extract<TransformerPart, { type: "label" }> => p.type === "label");
      const linear = labels.find((p) => p.label.role === "label-box" && p.label.text === "Linear")!;
      return labels.filter((p) => p.owner === linear.owner && p.label.role === "label-detail").map((p) => p.label.text);
    };
    expect(await details("gpt-small")).toEqual(["→ 50257", "tied weights"]);
    expect(await details("transformer")).toEqual(["→ 37000", "tied weights"]);
    expect(await details("vit-b16")).toEqual(["→ 1000"]);
  });

  it("draws ViT's pre-norm layer as Norm → attention → ⊕ and its class token and MLP head", async () => {
    const [vit] = columnsOf(await figureOfTemplate("vit-b16"));
    expect(vit).toEqual(["Patch Embedding", "+", "Layer Norm", "Multi-Head Attention", "+", "Layer Norm", "Feed Forward", "+", "Layer Norm", "Pick Token", "Linear"]);
  });

  it("frames each repeated layer once with its count, and draws a residual into every sum of it", async () => {
    const figure = await figureOfTemplate("transformer");
    const badges = figure.parts.filter((p) => p.type === "label" && p.label.role === "label-frame").map((p) => (p as Extract<TransformerPart, { type: "label" }>).label.text);
    expect(badges).toEqual(["6×", "×6"]);
    // Two residuals in an encoder layer, three in a decoder layer.
    expect(figure.parts.filter((p) => p.type === "arrow" && p.owner.endsWith("-residual")).length).toBe(5);
    const vit = await figureOfTemplate("vit-b16");
    expect(vit.parts.filter((p) => p.type === "label" && p.label.role === "label-frame").map((p) => (p as Extract<TransformerPart, { type: "label" }>).label.text)).toEqual(["12×"]);
  });

  it("draws the cross-attention arrow from the top of the encoder into the side of the decoder's second attention", async () => {
    const figure = await figureOfTemplate("transformer");
    const cross = figure.parts.filter((p) => p.type === "arrow" && p.owner.endsWith("-cross")) as Extract<TransformerPart, { type: "arrow" }>[];
    expect(cross.length).toBe(1);
    const boxes = figure.parts.filter((p) => p.type === "box") as Extract<TransformerPart, { type: "box" }>[];
    const target = boxes.find((b) => b.layer === "decoder.0.multihead_attn")!;
    const source = boxes.find((b) => b.layer === "encoder.0.add_2")!;
    const points = cross[0]!.points;
    const near = (p: number[], q: number[]) => expect(Math.hypot(p[0]! - q[0]!, p[1]! - q[1]!)).toBeLessThan(1e-9);
    near(points[0]!, [source.rect.x + source.rect.width / 2, source.rect.y]);
    near(points.at(-1)!, [target.rect.x, target.rect.y + target.rect.height / 2]);
  });

  it("draws keys and values from lower in the same column as a lane on the side the residuals leave free", async () => {
    const laidOut = await layout(analyzeSource("x: input 10x16\ny: fc 16\nattention heads=2 kv=x\n", "t.netfig"));
    const figure = figureOf(laidOut, "transformer")!;
    const cross = figure.parts.filter((p) => p.type === "arrow" && p.owner.endsWith("-cross")) as Extract<TransformerPart, { type: "arrow" }>[];
    const box = figure.parts.find((p) => p.type === "box" && p.layer === "attention_1") as Extract<TransformerPart, { type: "box" }>;
    const input = figure.parts.find((p) => p.type === "cell" && p.layer === "x") as Extract<TransformerPart, { type: "cell" }>;
    expect(cross.length).toBe(1);
    const [start, , , end] = cross[0]!.points;
    // From just above the input's row, into the attention's right side (the residual side is the left).
    expect(start![1]).toBeLessThan(input.rect.y);
    expect(end![0]).toBeCloseTo(box.rect.x + box.rect.width, 9);
    expect(end![1]).toBeCloseTo(box.rect.y + box.rect.height / 2, 9);
    expect(checkScene(buildScene(laidOut))).toEqual([]);
  });

  it("writes each sequence's size beside its row of token vectors, the class token darker and named on the other side", async () => {
    const sizes = async (name: string) => (await figureOfTemplate(name)).parts.filter((p) => p.type === "label" && p.label.role === "label-shape").map((p) => (p as Extract<TransformerPart, { type: "label" }>).label.text);
    expect(await sizes("vit-b16")).toEqual(["224×224×3", "196×768", "197×768", "1000"]);
    expect(await sizes("transformer")).toEqual(["64 tokens", "64×512", "64 tokens", "64×512", "64×37000"]);
    const vit = await figureOfTemplate("vit-b16");
    const strong = vit.parts.filter((p): p is Extract<TransformerPart, { type: "cell" }> => p.type === "cell" && p.strong);
    expect(strong.map((p) => p.layer)).toEqual(["class_token"]);
    // "class token" ends just left of the darker vector, level with it.
    const named = vit.parts.filter((p): p is Extract<TransformerPart, { type: "label" }> => p.type === "label" && p.label.text === "class token");
    expect(named).toHaveLength(1);
    const [{ label }] = named as [Extract<TransformerPart, { type: "label" }>];
    const cell = strong[0]!.rect;
    expect(label.anchor).toBe("end");
    expect(label.at[0]).toBeLessThan(cell.x);
    expect(label.at[0]).toBeGreaterThan(cell.x - 20);
    expect(label.at[1] - label.ascent).toBeLessThan(cell.y + cell.height);
    expect(label.at[1] + label.descent).toBeGreaterThan(cell.y);
    expect((await figureOfTemplate("transformer")).parts.some((p) => p.type === "label" && p.label.text === "class token")).toBe(false);
  });

  it("draws the positional encoding as a sine wave beside the ⊕, a learned table of positions as its rows", async () => {
    const waves = async (name: string) => (await figureOfTemplate(name)).parts.filter((p) => p.type === "wave").map((p) => (p as Extract<TransformerPart, { type: "wave" }>).learned);
    expect(await waves("transformer")).toEqual([false, false]);
    expect(await waves("bert-base")).toEqual([true]);
  });

  it("keeps every box's text inside its box, and no text on another's", async () => {
    for (const name of ["vit-b16", "transformer", "bert-base", "gpt-small"]) {
      const scene = buildScene(await layout(template(name)));
      const boxes = scene.primitives.filter((p) => p.role === "transformer-box" && p.type === "path");
      const extent = (p: Primitive) => {
        const pts = p.type === "path" ? p.commands.flatMap((c) => (c.op === "Z" ? [] : [c.to])) : [];
        return { left: Math.min(...pts.map((q) => q[0])), right: Math.max(...pts.map((q) => q[0])), top: Math.min(...pts.map((q) => q[1])), bottom: Math.max(...pts.map((q) => q[1])) };
      };
      for (const t of textsOf(scene.primitives)) {
        const left = t.anchor === "start" ? t.at[0] : t.anchor === "end" ? t.at[0] - t.width : t.at[0] - t.width / 2;
        const text = { left, right: left + t.width, top: t.at[1] - t.font.size * 0.75, bottom: t.at[1] };
        for (const b of boxes) {
          const e = extent(b);
          const inside = text.left >= e.left && text.right <= e.right && text.top >= e.top && text.bottom <= e.bottom;
          const apart = text.right <= e.left || text.left >= e.right || text.bottom <= e.top || text.top >= e.bottom;
          if (b.owner === t.owner) expect(inside, `${name}: "${t.text}" inside its box`).toBe(true);
          else expect(apart, `${name}: "${t.text}" (${t.owner}) on box ${b.owner}`).toBe(true);
        }
      }
    }
  });

  it("names the layer of everything it draws but the frames and arrows, so layered SVG and PowerPoint group them", async () => {
    const analyzed = template("transformer");
    const names = new Set(analyzed.networks[0]!.layers.map((l) => l.node.id));
    const scene = buildScene(await layout(analyzed));
    for (const p of scene.primitives) {
      const chrome = p.role === "edge" || p.role === "edge-dot" || p.role === "frame" || p.role === "label-frame" || p.role.startsWith("legend") || p.role === "title";
      if (chrome) expect(p.layer, p.role).toBeUndefined();
      else expect(names.has(p.layer!), `${p.role} ${p.owner}`).toBe(true);
    }
    expect(renderSvg(scene)).toContain('data-name="encoder.0.self_attn" data-op="attention" data-category="attention" data-shape="64x512" data-params="1050624"');
  });

  it("is the same bytes every run", async () => {
    const once = renderSvg(buildScene(await layout(template("transformer"))));
    expect(renderSvg(buildScene(await layout(template("transformer"))))).toBe(once);
  });

  for (const mm of [85, 178]) {
    it(`prints every Transformer template at ${mm} mm with 7 pt labels: no smaller text, no collisions, at most 648 pt tall`, async () => {
      for (const name of ["vit-b16", "transformer", "bert-base", "gpt-small"]) {
        const printed = await printFigure(template(name), {}, { width: mm * MM, fontSize: 7, maxHeight: 648 }, {});
        expect(printed.chosen.faults, name).toEqual([]);
        expect(printed.chosen.metrics.widthPt, name).toBeLessThanOrEqual(mm * MM + 0.01);
        expect(printed.chosen.metrics.minFontPt, name).toBeGreaterThanOrEqual(6);
      }
    }, 60_000);
  }

  it("leaves style: blocks drawing them (every layer a block)", async () => {
    for (const name of ["vit-b16", "transformer"]) {
      const laidOut = await layout(template(name), { style: "blocks" });
      expect(figureOf(laidOut, "blocks")!.nodes.length, name).toBeGreaterThan(0);
    }
  }, 60_000);
});
