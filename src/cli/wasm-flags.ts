import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/**
 * Lets the engine choose its relaxed-SIMD kernels (fused multiply-add) on Node 20, which
 * validates them only behind this V8 flag; newer Node has them on by default, so the
 * command line then computes the same bits on every Node it supports. Measured on the
 * kernels: the GEMM 43 -> 50 GFLOP/s, conv 3x3 64->64 at 56x56 5.95 -> 4.85 ms (load 2).
 * The flag must be set before the first WebAssembly module is compiled or validated;
 * the library itself never sets it (it is the host's process). It is set only where the
 * engine will run (cli/execution.ts): a V8 flag changed at run time makes Node compile every
 * built-in module loaded after it from source, 30 ms of a figure that runs nothing.
 * `NETFIG_WASM=simd` still keeps the plain build.
 */
export function allowRelaxedSimd(): void {
  // node:v8 loads Node's stream modules with it: only here, not with every command.
  (require("node:v8") as typeof import("node:v8")).setFlagsFromString("--experimental-wasm-relaxed-simd");
}
