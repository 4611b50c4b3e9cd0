/**
 * Runs the external checkers (poppler, qpdf, pdflatex). A missing tool fails the test with
 * a message naming the package, never skips it: CI installs them in `.ci/run`.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";

const PACKAGE: Record<string, string> = {
  qpdf: "qpdf",
  pdffonts: "poppler-utils",
  pdfinfo: "poppler-utils",
  pdftoppm: "poppler-utils",
  pdftotext: "poppler-utils",
  pdflatex: "texlive-latex-base",
};

export function requireTool(name: string): void {
  const found = spawnSync("/bin/sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  if (found.status !== 0) {
    throw new Error(`${name} is not installed: apt-get install ${PACKAGE[name] ?? name} (.ci/run installs it)`);
  }
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function run(tool: string, args: string[], cwd?: string): RunResult {
  requireTool(tool);
  const r = spawnSync(tool, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "netfig-export-"));
}

export function writeTemp(dir: string, name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** The uncompressed content of every object in a PDF, via qpdf's QDF mode. */
export function uncompressedPdf(path: string): string {
  requireTool("qpdf");
  return execFileSync("qpdf", ["--qdf", "--object-streams=disable", path, "-"], { encoding: "latin1", maxBuffer: 64 * 1024 * 1024 });
}

export function decodePng(bytes: Uint8Array): PNG {
  return PNG.sync.read(Buffer.from(bytes));
}

/**
 * How far two RGBA renderings of the same page differ, after compositing both on white:
 * the mean absolute difference per channel (0–255) over the common area, and the worst
 * mean over square tiles of `tile` pixels, which shows one misplaced label that the
 * page-wide mean would average away.
 */
export function compareImages(a: PNG, b: PNG, tile = 32): { mean: number; worstTile: number } {
  const w = Math.min(a.width, b.width);
  const h = Math.min(a.height, b.height);
  const onWhite = (img: PNG, i: number, c: number) => img.data[i + c]! * (img.data[i + 3]! / 255) + 255 * (1 - img.data[i + 3]! / 255);
  let total = 0;
  let worstTile = 0;
  for (let ty = 0; ty < h; ty += tile) {
    for (let tx = 0; tx < w; tx += tile) {
      let tileTotal = 0;
      let count = 0;
      for (let y = ty; y < Math.min(h, ty + tile); y++) {
        for (let x = tx; x < Math.min(w, tx + tile); x++) {
          const ia = (y * a.width + x) * 4;
          const ib = (y * b.width + x) * 4;
          for (let c = 0; c < 3; c++) tileTotal += Math.abs(onWhite(a, ia, c) - onWhite(b, ib, c));
          count += 3;
        }
      }
      total += tileTotal;
      worstTile = Math.max(worstTile, tileTotal / count);
    }
  }
  return { mean: total / (w * h * 3), worstTile };
}
