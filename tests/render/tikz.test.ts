/**
 * The TikZ output's structure and its escaping: named colours, a scope per layer, the
 * picture exactly the scene's size in bp, labels that LaTeX sets whatever they hold.
 * (Every template compiled by pdflatex is tests/export/editable.test.ts.)
 */

import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { latexText } from "../../src/render/latex.js";
import { renderTikz } from "../../src/render/tikz.js";
import type { Scene } from "../../src/scene/types.js";
import { needTools, run, tempDir, writeTemp } from "../export/tools.js";
import { LENET, sceneOfSource } from "./figures.js";

const HOSTILE = ["_ ^ & % $ # { } ~ \\ < > | \" ' `", "α Σ ℝ⁴ x₂ 3×3 ⊕ → ∈ · − ∗ … conv1–3 — “q” ‘s’", "中文 é ü ß 😀 \u0007", "\\end{tikzpicture}\\input{/etc/passwd} $x$ -- ?` !`", "%\n\\def\\x{}"];

function hostileScene(): Scene {
  const font = { family: "sans", weight: "normal", style: "normal", size: 8 } as const;
  const name = "a\n\\input{x}%";
  return {
    width: 300,
    height: 120,
    background: "#ffffff",
    title: "t\n\\bad",
    layers: [{ name, op: "conv", category: "conv", shape: [1], params: 0, macs: 0 }],
    primitives: HOSTILE.map((text, i) => ({ type: "text" as const, role: "label", ...(i === 0 ? { layer: name } : {}), text, at: [10, 20 + i * 20] as [number, number], anchor: "start" as const, font, color: "#000000", width: 10 })),
  };
}

describe("renderTikz", () => {
  it("escapes what TeX would read as markup into the characters themselves", () => {
    expect(latexText("a_b^c & 50% $5 #1 {x} ~ \\")).toBe("a\\_b\\textasciicircum{}c \\& 50\\% \\ensuremath{\\$}5 \\#1 \\{x\\} \\ensuremath{\\sim} \\ensuremath{\\backslash}");
    expect(latexText("56×56×64")).toBe("56\\ensuremath{\\times}56\\ensuremath{\\times}64");
    expect(latexText("x₂ ℝ⁴ α")).toBe("x\\ensuremath{_{2}} \\ensuremath{\\mathbf{R}}\\ensuremath{^{4}} \\ensuremath{\\alpha}");
    expect(latexText("a--b")).toBe("a-{}-{}b");
    // Ranges of names (a compact run, a folded repeat's instances) keep their en dash.
    expect(latexText("conv1–3 layer1.1–2—x")).toBe("conv1\\textendash{}3 layer1.1\\textendash{}2\\textemdash{}x");
    expect(latexText("中")).toBe("?{}");
  });

  it("writes named colours, a scope per layer named in a comment, and a picture the scene's size in bp", async () => {
    const scene = await sceneOfSource(LENET);
    const tex = renderTikz(scene, { body: true });
    expect(tex).toMatch(/^\\definecolor\{nfconva\}\{HTML\}\{[0-9A-F]{6}\}$/m);
    expect(tex).toContain("% layer c1 (conv, 28x28x6, 156 params, 117600 MACs)\n\\begin{scope}");
    expect(tex).toContain("\\begin{tikzpicture}[x=1bp, y=-1bp]");
    const round = (v: number) => String(Math.round(v * 100) / 100);
    expect(tex).toContain(`\\useasboundingbox (0,0) rectangle (${round(scene.width)},${round(scene.height)});`);
    // Text is the document's own: a size, never a font family.
    expect(tex).not.toMatch(/fontfamily|DejaVu|\\usefont/);
    expect(tex).not.toContain("\\documentclass");
    expect(renderTikz(scene)).toMatch(/^\\RequirePackage\{fix-cm\}\n\\documentclass\{article\}\n\\usepackage\{tikz\}\n/);
  });

  it("draws a thumbnail as its pixels on the face's parallelogram, one cell per run of a colour", () => {
    // 2×2 pixels: a red top row, then blue and green, on a face skewed up and to the right.
    const image = new PNG({ width: 2, height: 2 });
    [[255, 0, 0], [255, 0, 0], [0, 0, 255], [0, 255, 0]].forEach((rgb, i) => image.data.set([...rgb, 255], i * 4));
    const png = new Uint8Array(PNG.sync.write(image));
    const scene: Scene = { width: 50, height: 50, background: "none", primitives: [{ type: "image", role: "thumbnail", png, corners: [[10, 20], [30, 10], [10, 40]] }] };
    const tex = renderTikz(scene, { body: true });
    // One pixel along the top edge is (10, -5) on the page (y up), down the side (0, -10).
    expect(tex).toContain("\\begin{scope}[shift={(10,20)}, x={(10bp,5bp)}, y={(0bp,-10bp)}]");
    const cells = tex.split("\n").filter((l) => l.startsWith("\\fill[fill={rgb"));
    expect(cells).toEqual([
      "\\fill[fill={rgb,255:red,255;green,0;blue,0}] (0,0) -- (2,0) -- (2,1.05) -- (0,1.05) -- cycle;",
      "\\fill[fill={rgb,255:red,0;green,0;blue,255}] (0,1) -- (1.05,1) -- (1.05,2) -- (0,2) -- cycle;",
      "\\fill[fill={rgb,255:red,0;green,255;blue,0}] (1,1) -- (2,1) -- (2,2) -- (1,2) -- cycle;",
    ]);
  });

  it("gives the same text for the same scene", async () => {
    expect(renderTikz(await sceneOfSource(LENET))).toBe(renderTikz(await sceneOfSource(LENET)));
  });

  it("keeps hostile labels, names and titles as text that pdflatex sets", (ctx) => {
    const tex = renderTikz(hostileScene());
    // Comments end at the line's end: a name or title cannot continue past them.
    expect(tex).toContain("% layer a \\input{x}% (conv, 1, 0 params, 0 MACs)\n");
    expect(tex).toContain("% t \\bad\n");
    needTools(ctx, "pdflatex", "tikz.sty", "pdftotext");
    const dir = tempDir();
    writeTemp(dir, "hostile.tex", tex);
    const r = run("pdflatex", ["-interaction=nonstopmode", "-halt-on-error", "hostile.tex"], dir);
    expect(r.status, r.stdout.slice(-1200)).toBe(0);
    const text = run("pdftotext", [`${dir}/hostile.pdf`, "-"]).stdout;
    expect(text).toContain("&%$#{}");
    expect(text).toContain("\\end{tikzpicture}\\input{/etc/passwd} $x$ -- ?");
    expect(text).toContain("% \\def\\x{}");
    // Accented letters are OT1 composites (a letter and its accent), which pdftotext keeps apart; ß is one glyph.
    expect(text).toContain("ß");
  }, 30_000);
});
