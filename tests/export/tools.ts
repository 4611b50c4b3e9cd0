/**
 * Runs the external checkers (poppler, qpdf, pdflatex). A test that needs one calls
 * `needTools(ctx, ...)` first: where a tool is missing the test is skipped with one line
 * saying how to install it — except under CI (the CI environment variable set), where every
 * tool must be there (`.ci/run` installs them) and a missing one fails the test.
 */

import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { scratchDir } from "../helpers/temp.js";

/** The Debian/Ubuntu package of each tool (or TeX file) the tests use. */
const PACKAGE: Record<string, string> = {
  qpdf: "qpdf",
  pdffonts: "poppler-utils",
  pdfinfo: "poppler-utils",
  pdftoppm: "poppler-utils",
  pdftotext: "poppler-utils",
  pdflatex: "texlive-latex-base",
  kpsewhich: "texlive-latex-base",
  "standalone.cls": "texlive-latex-extra",
  "tikz.sty": "texlive-pictures",
  soffice: "libreoffice-impress",
  inkscape: "inkscape",
};

/** Under CI nothing may be skipped for want of a tool. CI=false or CI=0 is not CI. */
export function inCi(): boolean {
  const ci = process.env.CI;
  return ci !== undefined && ci !== "" && ci !== "0" && ci.toLowerCase() !== "false";
}

const found = new Map<string, boolean>();

/** Whether a command is on the PATH, or, for a name ending in `.cls`/`.sty`, whether TeX finds the file. */
export function hasTool(name: string): boolean {
  let ok = found.get(name);
  if (ok === undefined) {
    ok = /\.(cls|sty)$/.test(name)
      ? hasTool("kpsewhich") && spawnSync("kpsewhich", [name], { encoding: "utf8" }).stdout.trim() !== ""
      : spawnSync("/bin/sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).status === 0;
    found.set(name, ok);
  }
  return ok;
}

function installHint(names: string[]): string {
  return `apt-get install ${[...new Set(names.map((n) => PACKAGE[n] ?? n))].join(" ")}`;
}

export function requireTool(name: string): void {
  if (!hasTool(name)) throw new Error(`${name} is not installed: ${installHint([name])} (.ci/run installs it)`);
}

/** What `needTools` needs of vitest's test context. */
interface Skippable {
  skip(note?: string): never;
}

const warned = new Set<string>();

/**
 * Skips the running test, with one line saying what to install, when any of `names` is
 * missing; under CI throws instead, so the test fails. Call it first thing in the test.
 */
export function needTools(ctx: Skippable, ...names: string[]): void {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return;
  const hint = installHint(missing);
  if (inCi()) throw new Error(`${missing.join(", ")} missing, and under CI no test may skip: ${hint} (.ci/run installs it)`);
  const note = `skipped: needs ${missing.join(", ")} — ${hint}`;
  if (!warned.has(note)) {
    warned.add(note);
    process.stderr.write(`${note}\n`);
  }
  ctx.skip(note);
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
  return scratchDir("netfig-export-");
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
