/**
 * `netfig render` writes the editable formats by extension: `.tex` (a document pdflatex
 * compiles alone, or with `--tikz-body` the part a paper `\input`s) and `.pptx`; `--width`
 * sizes them like every other format. Flags that do not fit the format are usage errors.
 */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

function netfig(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("render to editable formats", () => {
  it("writes a standalone TikZ document for .tex, and only the picture with --tikz-body", () => {
    const dir = scratchDir();
    expect(netfig(["render", "lenet5", "-o", join(dir, "fig.tex")]).status).toBe(0);
    expect(readFileSync(join(dir, "fig.tex"), "utf8")).toMatch(/^\\RequirePackage\{fix-cm\}\n\\documentclass\{article\}/);
    expect(netfig(["render", "lenet5", "-o", join(dir, "body.tex"), "--tikz-body"]).status).toBe(0);
    const body = readFileSync(join(dir, "body.tex"), "utf8");
    expect(body).not.toContain("\\documentclass");
    expect(body).toContain("\\begin{tikzpicture}[x=1bp, y=-1bp]");
  });

  it("prints a .tex at --width: 85 mm is 240.94 bp", () => {
    const dir = scratchDir();
    expect(netfig(["render", "lenet5", "-o", join(dir, "fig.tex"), "--width", "85mm", "--tikz-body"]).status).toBe(0);
    expect(readFileSync(join(dir, "fig.tex"), "utf8")).toMatch(/\\useasboundingbox \(0,0\) rectangle \(240\.94,[\d.]+\);/);
  });

  it("writes a PowerPoint file for .pptx whose slide is --width wide (85 mm = 3,060,000 EMU)", async () => {
    const dir = scratchDir();
    const run = netfig(["render", "lenet5", "-o", join(dir, "fig.pptx"), "--width", "85mm"]);
    expect(run.status, run.stderr).toBe(0);
    const zip = await JSZip.loadAsync(readFileSync(join(dir, "fig.pptx")));
    const presentation = await zip.file("ppt/presentation.xml")!.async("string");
    const width = Number(presentation.match(/<p:sldSz cx="(\d+)"/)![1]);
    expect(Math.abs(width - 3_060_000)).toBeLessThan(20);
  });

  it("refuses flags that do not fit the format, as usage errors", () => {
    const dir = scratchDir();
    const body = netfig(["render", "lenet5", "-o", join(dir, "fig.svg"), "--tikz-body"]);
    expect(body.status).toBe(2);
    expect(body.stderr).toContain("--tikz-body: is for TikZ output");
    const maps = netfig(["render", "lenet5", "-o", join(dir, "fig.pptx"), "--activations"]);
    expect(maps.status).toBe(2);
    expect(maps.stderr).toContain("PowerPoint output cannot draw activation maps");
    const unknown = netfig(["render", "lenet5", "-o", join(dir, "fig.docx")]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(".svg, .pdf, .png, .tex, .pptx");
  });
});
