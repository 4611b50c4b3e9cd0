/**
 * The command line allows relaxed SIMD (src/cli/wasm-flags.ts) only when the engine runs:
 * a V8 flag changed at run time makes Node compile every built-in module loaded after it
 * from source (30 ms of a figure that runs nothing), and makes V8 refuse the bundle's code
 * cache if set before it compiles.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

/** Runs bin/netfig.js with a preload that reports every V8 flag set; returns the flags. */
function flagsSet(...args: string[]): { status: number | null; flags: string[] } {
  const dir = scratchDir("netfig-wasm-flags-");
  const preload = join(dir, "report-flags.cjs");
  writeFileSync(preload, 'const v8 = require("node:v8"); const set = v8.setFlagsFromString; v8.setFlagsFromString = (flags) => { process.stderr.write(`v8 flag ${flags}\\n`); return set(flags); };\n');
  const run = spawnSync(process.execPath, ["--require", preload, join(root, "bin", "netfig.js"), ...args], { cwd: dir, encoding: "utf8" });
  return { status: run.status, flags: [...run.stderr.matchAll(/^v8 flag (.*)$/gm)].map((m) => m[1]!) };
}

describe("V8 flags", () => {
  it("are left alone by a figure that runs nothing", () => {
    expect(flagsSet("render", "lenet5", "-o", "x.pdf")).toEqual({ status: 0, flags: [] });
  });

  it("allow relaxed SIMD when the network runs (netfig run, render --activations)", () => {
    expect(flagsSet("run", "lenet5")).toEqual({ status: 0, flags: ["--experimental-wasm-relaxed-simd"] });
    expect(flagsSet("render", "lenet5", "--activations", "-o", "x.svg")).toEqual({ status: 0, flags: ["--experimental-wasm-relaxed-simd"] });
  }, 30_000);
});
