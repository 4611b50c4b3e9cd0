/**
 * Specification tests for collapsed modules (src/layout/collapse.ts, `collapse: true`):
 * each innermost module (a frame with branches inside and one output: an Inception module,
 * a residual block) is drawn as one block named after its frame; the stages around stay.
 */
import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { buildScene, figureOf, layout, type LayoutRequest } from "../../src/styles/index.js";
import type { TextPrimitive } from "../../src/scene/types.js";
import { readProjectFile } from "../helpers/netfig.js";

async function drawn(name: string, request: LayoutRequest = {}) {
  const analyzed = analyzeSource(readProjectFile(`templates/${name}.netfig`), `${name}.netfig`);
  const laidOut = await layout(analyzed, request);
  const figure = figureOf(laidOut, "blocks");
  if (!figure) throw new Error(`${name} was not drawn as blocks`);
  return { figure, scene: buildScene(laidOut), network: analyzed.networks[0]! };
}

const MODULES = ["3a", "3b", "4a", "4b", "4c", "4d", "4e", "5a", "5b"].map((m) => `inception_${m}`);

describe("GoogLeNet collapsed (templates/googlenet.netfig, collapse: true)", () => {
  it("draws the nine Inception modules as nine blocks, each standing for all of its module's layers", async () => {
    const { figure, network } = await drawn("googlenet", { collapse: true });
    for (const m of MODULES) {
      const inside = figure.nodes.filter((n) => n.id.startsWith(`${m}.`));
      expect(inside.map((n) => n.id), m).toEqual([`${m}.concat_1`]);
      expect(inside[0]!.kind, m).toBe("block");
      // Every layer of the module is one of the block's members.
      const layers = network.layers.map((l) => l.node.id).filter((id) => id.startsWith(`${m}.`));
      expect(layers.length, m).toBeGreaterThan(6);
      for (const id of layers) expect(inside[0]!.members, `${m} stands for ${id}`).toContain(id);
    }
  });

  it("names each block after its instance (inception_3a: the name says the kind) and leaves no inception frame", async () => {
    const { figure, scene } = await drawn("googlenet", { collapse: true });
    for (const m of MODULES) {
      const block = figure.nodes.find((n) => n.id === `${m}.concat_1`)!;
      expect(block.labels.filter((l) => l.role === "label-name").map((l) => l.text), m).toEqual([m]);
    }
    const names = scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.role === "label-name" && p.text.startsWith("inception_"));
    expect(names.map((n) => n.text).sort()).toEqual([...MODULES].sort());
    const kinds = scene.primitives.filter((p): p is TextPrimitive => p.type === "text" && p.role === "label-detail" && p.text === "inception");
    expect(kinds).toEqual([]);
    expect(figure.frames.filter((f) => f.id.startsWith("inception") || f.label.text.startsWith("inception"))).toEqual([]);
    // The auxiliary classifiers have no branches: their frames stay.
    expect(figure.frames.map((f) => f.id).sort()).toEqual(["aux1", "aux2"]);
  });

  it("keeps the graph connected: every block but the input has an incoming edge, every edge joins drawn blocks", async () => {
    const { figure, scene } = await drawn("googlenet", { collapse: true });
    const ids = new Set(figure.nodes.map((n) => n.id));
    for (const e of figure.edges) {
      expect(ids.has(e.from), e.id).toBe(true);
      expect(ids.has(e.to), e.id).toBe(true);
      expect(e.points.length, e.id).toBeGreaterThanOrEqual(2);
    }
    const targets = new Set(figure.edges.map((e) => e.to));
    for (const n of figure.nodes) if (n.id !== "input") expect(targets.has(n.id), n.id).toBe(true);
    // The modules still run one into the next along the path.
    const from = (id: string) => figure.edges.filter((e) => e.to === id).map((e) => e.from);
    expect(from("inception_3b.concat_1")).toEqual(["inception_3a.concat_1"]);
    expect(from("inception_5b.concat_1")).toEqual(["inception_5a.concat_1"]);
    // And each drawn edge is in the scene, linked to its blocks.
    const links = scene.primitives.filter((p) => p.type === "path" && p.link !== undefined);
    expect(links.length).toBe(figure.edges.length);
  });

  it("collapses nothing without the option", async () => {
    const { figure } = await drawn("googlenet");
    expect(figure.nodes.filter((n) => n.id.startsWith("inception_3a.")).length).toBeGreaterThan(5);
  });
});

describe("ResNet-18 collapsed (templates/resnet18.netfig, collapse: true)", () => {
  it("draws 8 blocks for the 8 basic blocks, no ⊕ and no shortcut left, stage frames kept", async () => {
    const { figure } = await drawn("resnet18", { collapse: true });
    const modules = figure.nodes.filter((n) => /^layer\d\.\d\./.test(n.id));
    expect(modules.map((n) => n.id)).toEqual(["layer1.0", "layer1.1", "layer2.0", "layer2.1", "layer3.0", "layer3.1", "layer4.0", "layer4.1"].map((m) => `${m}.add_1`));
    for (const n of modules) expect(n.kind, n.id).toBe("block");
    expect(figure.nodes.filter((n) => n.kind === "sum")).toEqual([]);
    expect(figure.edges.filter((e) => e.shortcut)).toEqual([]);
    expect(figure.frames.map((f) => f.id).sort()).toEqual(["layer1", "layer2", "layer3", "layer4"]);
    // A chain: 13 blocks, 12 edges, each block feeding the next.
    expect(figure.nodes).toHaveLength(13);
    expect(figure.edges).toHaveLength(12);
    for (const m of modules) expect(m.frame, m.id).toBe(m.id.slice(0, 6));
  });

  it("names each collapsed block after its instance (layer2.0), with its block (basic_down) under it", async () => {
    const { figure } = await drawn("resnet18", { collapse: true });
    const text = (id: string, role: string) => figure.nodes.find((n) => n.id === id)!.labels.filter((l) => l.role === role).map((l) => l.text);
    expect(text("layer2.0.add_1", "label-name")).toEqual(["layer2.0"]);
    expect(text("layer2.0.add_1", "label-detail")).toEqual(["basic_down"]);
    expect(text("layer2.1.add_1", "label-name")).toEqual(["layer2.1"]);
    expect(text("layer2.1.add_1", "label-detail")).toEqual(["basic"]);
  });
});

describe("U-Net with collapse: true (templates/unet.netfig): no frame has branches inside", () => {
  // The `double` frames are two convs in a line and the `upN` frames deconv → concat → double;
  // the only branching is the skips, which leave an encoder frame's last block and enter a
  // decoder frame's concat from outside. Neither is a module with branches inside, so
  // collapsing should leave every block (the deconvs above all) as it is.
  it("keeps every block: the deconvs, the convs of every level", async () => {
    const plain = await drawn("unet");
    const collapsed = await drawn("unet", { collapse: true });
    expect(collapsed.figure.nodes.map((n) => n.id)).toEqual(plain.figure.nodes.map((n) => n.id));
  });

  it("treats every encoder level alike: inc's double is drawn as two convs like the bottleneck's (down4)", async () => {
    const { figure } = await drawn("unet", { collapse: true });
    const ids = new Set(figure.nodes.map((n) => n.id));
    for (const id of ["inc.conv_1", "inc.conv_2", "down4.0.conv_1", "down4.0.conv_2", "up1.up", "up1.concat_1"]) expect(ids.has(id), id).toBe(true);
  });
});
