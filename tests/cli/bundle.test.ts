/**
 * The command line's bundle (scripts/build-cli.mjs, bin/bundle.js): bin/netfig.js runs it
 * while it is current and the compiled modules of dist/ as soon as one of them is newer, so a
 * `tsc` after the last bundling never leaves old code running. Both give the same bytes and
 * the same exit statuses, and V8 takes the bundle's code cache. The checks run on a copy of
 * the package, so the bundle the other tests run is left alone.
 */
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

/** Each test starts several processes, slow on a busy 2-core machine. */
const TIMEOUT = 60_000;

let copy: string;
let buildCli: (root: string) => Promise<{ entry: string; inputs: string[] }>;

/**
 * Runs the copy's bin/netfig.js; `loaded` is what ran: "modules" when it imported
 * dist/cli/main.js (the resolve hook names every ES module), else "bundle" (a script).
 */
function netfig(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", join(copy, "trace.mjs"), join(copy, "bin", "netfig.js"), ...args], { cwd: copy, encoding: "utf8" });
  const entries = [...run.stderr.matchAll(/^loaded (.*)$/gm)].map((m) => m[1]!);
  const stderr = run.stderr.replace(/^loaded .*\n/gm, "");
  return { status: run.status, stdout: run.stdout, stderr, loaded: entries.some((url) => url.endsWith("/dist/cli/main.js")) ? "modules" : "bundle" };
}

/** What became of the copy's code cache when its bundle loads in a fresh Node, as bin/netfig.js loads it. */
function codeCache(): string {
  const script = `const { loadBundle } = require(${JSON.stringify(join(copy, "bin", "bundle.js"))}); process.stdout.write(loadBundle().cache);`;
  return spawnSync(process.execPath, ["-e", script], { encoding: "utf8" }).stdout;
}

/** What tsc does to a module it recompiles after the bundle was built: a file newer than the bundle. */
function recompile(module: string): void {
  const earlier = new Date(Date.now() - 10_000);
  utimesSync(join(copy, "dist", "cli", "bundle", "netfig.cjs"), earlier, earlier);
  const now = new Date();
  utimesSync(join(copy, "dist", module), now, now);
}

beforeAll(async () => {
  copy = scratchDir("netfig-bundle-");
  for (const part of ["bin", "dist", "templates", "assets", "package.json"]) cpSync(join(root, part), join(copy, part), { recursive: true });
  rmSync(join(copy, "dist", "cli", "bundle"), { recursive: true, force: true });
  symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
  // A resolve hook that names every module as it is loaded, so the test sees which entry ran.
  writeFileSync(join(copy, "hook.mjs"), 'export async function resolve(s, c, next) { const r = await next(s, c); process.stderr.write(`loaded ${r.url}\\n`); return r; }\n');
  writeFileSync(join(copy, "trace.mjs"), 'import { register } from "node:module"; register(new URL("./hook.mjs", import.meta.url));\n');
  ({ buildCli } = (await import(join(root, "scripts", "build-cli.mjs"))) as { buildCli: typeof buildCli });
}, TIMEOUT);

describe("bin/netfig.js and the bundle", () => {
  it("runs the compiled modules while there is no bundle", () => {
    expect(netfig("--version").loaded).toBe("modules");
  }, TIMEOUT);

  it("runs the bundle once it is built, with the same bytes, messages and exit statuses", async () => {
    // Labels past ASCII too (the bundle is ASCII, every other character a \\u escape).
    writeFileSync(join(copy, "greek.netfig"), 'figure {\n  title: "β-VAE, 28×28 → λ"\n}\ninput 28x28x1\nconv 8 3x3\n');
    const commands = [["render", "lenet5", "-o", "-"], ["render", "greek.netfig", "-o", "-"], ["render", "nosuch"], ["render", "lenet5", "--dpi", "x", "-o", "x.png"]];
    const fromModules = commands.map((command) => netfig(...command));
    const { inputs } = await buildCli(copy);
    // The bundle holds the whole command line: the verbs, the renderers, the layout.
    expect(inputs).toEqual(expect.arrayContaining(["dist/cli/main.js", "dist/render/svg.js", "dist/render/pdf.js", "dist/layout/elk.js"]));
    expect(readFileSync(join(copy, "dist", "cli", "bundle", "netfig.cjs"), "latin1")).toMatch(/^[\x00-\x7f]*$/);
    const fromBundle = commands.map((command) => netfig(...command));
    for (const run of fromBundle) expect(run.loaded).toBe("bundle");
    expect(codeCache()).toBe("accepted");
    expect(fromBundle.map((r) => [r.status, r.stdout, r.stderr])).toEqual(fromModules.map((r) => [r.status, r.stdout, r.stderr]));
    expect(fromBundle.map((r) => r.status)).toEqual([0, 0, 1, 2]);
    expect(fromBundle[1]!.stdout).toContain("β-VAE, 28×28 → λ");
    expect(fromBundle[0]!.stdout).toMatch(/^<\?xml/);
  }, TIMEOUT);

  it("writes a PDF from the bundle byte for byte as from the modules", async () => {
    await buildCli(copy);
    expect(netfig("render", "lenet5", "-o", "bundled.pdf").loaded).toBe("bundle");
    recompile("cli/main.js");
    expect(netfig("render", "lenet5", "-o", "modules.pdf").loaded).toBe("modules");
    expect(readFileSync(join(copy, "bundled.pdf")).equals(readFileSync(join(copy, "modules.pdf")))).toBe(true);
  }, TIMEOUT);

  it("falls back to the compiled modules when one of them is newer than the bundle, until it is rebuilt", async () => {
    await buildCli(copy);
    expect(netfig("--version").loaded).toBe("bundle");
    recompile("render/svg.js");
    expect(netfig("--version").loaded).toBe("modules");
    // The rebuilt bundle is written after the module, so it is current again.
    await buildCli(copy);
    expect(netfig("--version").loaded).toBe("bundle");
  }, TIMEOUT);

  it("compiles the bundle from source when its code cache is older than it (V8 would check only the length)", async () => {
    await buildCli(copy);
    expect(codeCache()).toBe("accepted");
    const earlier = new Date(Date.now() - 10_000);
    utimesSync(join(copy, "dist", "cli", "bundle", "netfig.cache"), earlier, earlier);
    expect(codeCache()).toBe("none");
    expect(netfig("render", "lenet5", "-o", "-").status).toBe(0);
  }, TIMEOUT);

  it("takes from the code cache what V8 compiled, not how hot the build's commands made it", async () => {
    await buildCli(copy);
    /**
     * The machine code (bytes) V8 generates while a fresh Node renders a small PDF from the
     * bundle, compiled from the code cache or from source. A function the build's commands made
     * hot enough for Sparkplug is marked so in a cache, and then compiled to machine code early
     * in every run (0.8 MB for this figure instead of 0.26 MB).
     */
    const machineCode = (useCache: boolean) => {
      const script = `const { getHeapCodeStatistics } = require("node:v8");
        const { loadBundle } = require(${JSON.stringify(join(copy, "bin", "bundle.js"))});
        const { exports, cache } = loadBundle({ useCache: ${useCache} });
        const before = getHeapCodeStatistics().code_and_metadata_size;
        exports.main(["render", "lenet5", "-o", ${JSON.stringify(join(copy, "small.pdf"))}]).then(() =>
          process.stdout.write(JSON.stringify({ cache, bytes: getHeapCodeStatistics().code_and_metadata_size - before })));`;
      return JSON.parse(spawnSync(process.execPath, ["-e", script], { cwd: copy, encoding: "utf8" }).stdout) as { cache: string; bytes: number };
    };
    const cached = machineCode(true);
    const fromSource = machineCode(false);
    expect([cached.cache, fromSource.cache]).toEqual(["accepted", "none"]);
    expect(cached.bytes).toBeLessThan(fromSource.bytes * 1.25);
  }, TIMEOUT);

  it("compiles fontkit from the packages' code cache, and a package file that is not the one cached anew", async () => {
    await buildCli(copy);
    writeFileSync(join(copy, "shaped.netfig"), 'figure {\n  title: "β-VAE"\n}\ninput 28x28x1\nconv 8 3x3\n');
    /** Renders a figure with a Greek title (shaped by fontkit) to a PDF in a fresh Node as bin/netfig.js does; which package modules came from the cache. */
    const render = (out: string) => {
      const script = `const { loadBundle } = require(${JSON.stringify(join(copy, "bin", "bundle.js"))});
        const { packageCacheUse } = require(${JSON.stringify(join(copy, "bin", "package-cache.js"))});
        loadBundle().exports.main(["render", "shaped.netfig", "-o", ${JSON.stringify(join(copy, out))}]).then(() => process.stdout.write(JSON.stringify(packageCacheUse)));`;
      return JSON.parse(spawnSync(process.execPath, ["-e", script], { cwd: copy, encoding: "utf8" }).stdout) as { accepted: string[]; rejected: string[] };
    };
    const cached = render("cached.pdf");
    expect(cached.accepted).toEqual(expect.arrayContaining([expect.stringMatching(/\/fontkit\/dist\/main\.cjs$/)]));
    expect(cached.rejected).toEqual([]);
    // The index entry names another file: as if fontkit were reinstalled with a source of the same length.
    const file = join(copy, "dist", "cli", "bundle", "packages.cache");
    const bytes = readFileSync(file);
    const length = bytes.readUInt32LE(0);
    const index = JSON.parse(bytes.subarray(4, 4 + length).toString("utf8")) as Record<string, { file: string }>;
    const fontkit = Object.keys(index).find((key) => key.endsWith("fontkit/dist/main.cjs"))!;
    index[fontkit]!.file = index[fontkit]!.file.replace(/^\d/, (digit) => String((Number(digit) + 1) % 10));
    const json = Buffer.from(JSON.stringify(index).padEnd(length), "utf8");
    writeFileSync(file, Buffer.concat([bytes.subarray(0, 4), json, bytes.subarray(4 + length)]));
    const changed = render("changed.pdf");
    expect(changed.accepted.some((f) => f.endsWith("fontkit/dist/main.cjs"))).toBe(false);
    // Its own modules (restructure, unicode-properties, …) are still the files cached.
    expect(changed.accepted.length).toBeGreaterThan(0);
    expect(readFileSync(join(copy, "changed.pdf")).equals(readFileSync(join(copy, "cached.pdf")))).toBe(true);
  }, TIMEOUT);
});
