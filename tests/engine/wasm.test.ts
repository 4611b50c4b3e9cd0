import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { wasmCompiler } from "../../src/engine/kernels/wasm-module.js";

function clangVersion(): string | null {
  try {
    return execFileSync("clang", ["--version"], { encoding: "utf8" }).split("\n")[0]!.trim();
  } catch {
    return null;
  }
}

const clang = clangVersion();
const objdump = (() => {
  try {
    execFileSync("llvm-objdump", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const ready = clang === wasmCompiler && objdump;
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "0" && process.env.CI !== "false";

describe("the committed WebAssembly kernels", () => {
  // Byte-identical output is only promised by the compiler that built the committed modules;
  // CI installs that one (.ci/run), so there the test never skips.
  if (!ready && !inCi) {
    process.stderr.write(`skipped: the kernels' rebuild needs ${wasmCompiler} and llvm-objdump — apt-get install clang lld llvm (found ${clang ?? "no clang"}${objdump ? "" : ", no llvm-objdump"})\n`);
  }
  // Two builds and a disassembly: seconds on a loaded machine.
  it.skipIf(!ready && !inCi)(`are what kernels.c compiles to, plain and relaxed SIMD (${wasmCompiler})`, { timeout: 60_000 }, () => {
    expect(clang, `under CI the kernels are rebuilt with ${wasmCompiler}: apt-get install clang lld llvm`).toBe(wasmCompiler);
    expect(objdump, "under CI the relaxed build's opcodes are located with llvm-objdump: apt-get install llvm").toBe(true);
    const rebuilt = execFileSync(process.execPath, ["src/engine/kernels/wasm/build.mjs", "--print"], { encoding: "utf8", maxBuffer: 1 << 24 });
    const committed = readFileSync("src/engine/kernels/wasm-module.ts", "utf8");
    expect(rebuilt === committed, "src/engine/kernels/wasm-module.ts is stale: run node src/engine/kernels/wasm/build.mjs").toBe(true);
  });
});
