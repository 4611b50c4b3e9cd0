/**
 * The figures issue 10 holds to print legibly, and the real command that draws them: every
 * template (one figure per network of a file of several), every example that is not a copy
 * of a template (the ONNX models, drawn with the flags the gallery uses), at one column
 * (85 mm) and two (178 mm), with `--font-size 7`; and ResNet-50 with `--no-fold-repeats` at
 * 178 mm. Shared by tests/print/legibility.test.ts, scripts/legibility.mjs and
 * bench/legibility.mjs.
 */

import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
/** The command as installed: bin/netfig.js, which runs dist/. NETFIG_CLI points elsewhere (a private build). */
export const CLI = process.env.NETFIG_CLI ?? join(root, "bin", "netfig.js");

export const WIDTHS = ["85mm", "178mm"] as const;
export type Width = (typeof WIDTHS)[number];
export const FONT_SIZE = "7";

export interface Figure {
  /** Unique name: the template's, `NAME-NETWORK` for one network of several, the example's. */
  name: string;
  /** The file drawn, relative to the project root. */
  source: string;
  /** Flags besides width, font size and output. */
  flags: string[];
  /** Drawn from templates/ (the 28 count these; a file of several networks counts its first). */
  template: boolean;
}

/** What the gallery (scripts/gallery.mjs) draws the ONNX examples with. */
const EXAMPLE_FLAGS: Record<string, string[]> = {
  "resnet50-onnx.onnx": ["--fold-repeats"],
  "mobilenet_v2-onnx.onnx": ["--fold-repeats"],
};

function networksOf(text: string): string[] {
  return [...text.matchAll(/^network\s+([\w.-]+)\s*\{/gm)].map((m) => m[1]!);
}

/** Every template and every example, each once (an example identical to a template is that template). */
export function figures(): Figure[] {
  const out: Figure[] = [];
  const templateTexts = new Set<string>();
  for (const file of readdirSync(join(root, "templates")).filter((f) => f.endsWith(".netfig")).sort()) {
    const text = readFileSync(join(root, "templates", file), "utf8");
    templateTexts.add(text);
    const name = file.slice(0, -".netfig".length);
    const networks = networksOf(text);
    if (networks.length === 0) out.push({ name, source: `templates/${file}`, flags: [], template: true });
    networks.forEach((network, i) => out.push({ name: `${name}-${network}`, source: `templates/${file}`, flags: ["--network", network], template: i === 0 }));
  }
  for (const file of readdirSync(join(root, "examples")).sort()) {
    if (!/\.(netfig|onnx)$/.test(file)) continue;
    const path = join(root, "examples", file);
    if (file.endsWith(".netfig") && templateTexts.has(readFileSync(path, "utf8"))) continue;
    const name = file.endsWith(".onnx") ? file.slice(0, -".onnx".length) : `example-${file.slice(0, -".netfig".length)}`;
    const networks = file.endsWith(".netfig") ? networksOf(readFileSync(path, "utf8")) : [];
    if (networks.length === 0) out.push({ name, source: `examples/${file}`, flags: EXAMPLE_FLAGS[file] ?? [], template: false });
    for (const network of networks) out.push({ name: `${name}-${network}`, source: `examples/${file}`, flags: ["--network", network], template: false });
  }
  return out;
}

export interface Case {
  /** `resnet18 at 85mm`, `resnet50 --no-fold-repeats at 178mm`. */
  label: string;
  figure: Figure;
  width: Width;
  /** Flags added for this case only. */
  extra: string[];
}

/** Every figure at both widths, and ResNet-50 unfolded at 178 mm. */
export function cases(): Case[] {
  const all = figures();
  const out: Case[] = [];
  for (const figure of all) for (const width of WIDTHS) out.push({ label: `${figure.name} at ${width}`, figure, width, extra: [] });
  const resnet50 = all.find((f) => f.name === "resnet50");
  if (resnet50) out.push({ label: "resnet50 --no-fold-repeats at 178mm", figure: resnet50, width: "178mm", extra: ["--no-fold-repeats"] });
  return out;
}

/** A file-name-safe key of a case. */
export function caseKey(c: Case): string {
  return `${c.figure.name}${c.extra.join("")}-${c.width}`.replace(/[^A-Za-z0-9_.-]+/g, "_");
}

export function renderArgs(c: Case, output: string): string[] {
  return ["render", join(root, c.figure.source), ...c.figure.flags, ...c.extra, "--width", c.width, "--font-size", FONT_SIZE, "-o", output];
}

export interface RenderResult {
  status: number;
  stderr: string;
  /** Wall time of the whole process, ms. */
  ms: number;
}

/** Runs `node bin/netfig.js ARGS` (a fresh process, as a user runs it), or another build's CLI. */
export function netfig(args: string[], { cli = CLI, timeoutMs = 120_000 }: { cli?: string; timeoutMs?: number } = {}): Promise<RenderResult> {
  if (cli === join(root, "bin", "netfig.js") && !existsSync(join(root, "dist", "cli", "main.js"))) {
    return Promise.resolve({ status: -1, stderr: "dist/ is not built: run npx tsc -p tsconfig.json", ms: 0 });
  }
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      resolve({ status: code ?? -1, stderr: signal ? `${stderr}\nkilled by ${signal} after ${timeoutMs} ms` : stderr, ms });
    });
  });
}

/** Runs tasks with at most `limit` at a time, keeping their order in the result. */
export async function pooled<T>(tasks: (() => Promise<T>)[], limit = 2): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/**
 * The line where the command says which arrangement it chose (issue 10: "It prints one line
 * saying what it chose and how to force another"): the first stderr line naming an
 * arrangement or a choice, else the first line that is not a warning; undefined when the
 * command said nothing of the kind.
 */
export function arrangementLine(stderr: string): string | undefined {
  const lines = stderr.split("\n").map((l) => l.trim()).filter((l) => l !== "");
  const chosen = lines.find((l) => /arrangement|chose|choos|picked|wrapped|compact|one row|rows?\b|columns?\b/i.test(l) && !/^netfig: warning:/.test(l));
  return (chosen ?? lines.find((l) => !/^netfig: (warning|error)/.test(l)))?.replace(/^netfig: /, "");
}

/** The warnings the command printed, without their prefix. */
export function warnings(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("netfig: warning: ")).map((l) => l.slice("netfig: warning: ".length));
}

export interface PrivateBuild {
  /** The build's netfig.js, to pass as `cli`. */
  cli: string;
  remove(): void;
}

/**
 * src/ compiled into a folder of its own, outside the project: dist/ is shared with whoever
 * else is building, and a build halfway through a run would mix old and new modules (as
 * scripts/gallery.mjs notes). The folder mirrors the project's top level with links
 * (package.json, templates, assets, node_modules), since the CLI finds those relative to
 * its modules. Throws with tsc's output when the sources do not compile.
 */
export function privateBuild(): PrivateBuild {
  const top = mkdtempSync(join(tmpdir(), "netfig-build-"));
  for (const entry of ["package.json", "templates", "assets", "node_modules"]) {
    if (existsSync(join(root, entry))) symlinkSync(join(root, entry), join(top, entry));
  }
  const out = join(top, "dist");
  mkdirSync(out);
  try {
    execFileSync(join(root, "node_modules", ".bin", "tsc"), ["-p", join(root, "tsconfig.json"), "--outDir", out, "--declaration", "false"], { cwd: root, encoding: "utf8", stdio: "pipe" });
  } catch (error) {
    rmSync(top, { recursive: true, force: true });
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`src/ does not compile:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
  const cli = join(top, "netfig.js");
  writeFileSync(cli, 'import { main } from "./dist/cli/main.js";\nprocess.exitCode = await main(process.argv.slice(2));\n');
  return { cli, remove: () => rmSync(top, { recursive: true, force: true }) };
}
