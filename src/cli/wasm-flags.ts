import { setFlagsFromString } from "node:v8";

/**
 * Lets the engine choose its relaxed-SIMD kernels (fused multiply-add) on Node 20, which
 * validates them only behind this V8 flag; newer Node has them on by default, so the
 * command line then computes the same bits on every Node it supports. Measured on the
 * kernels: the GEMM 43 -> 50 GFLOP/s, conv 3x3 64->64 at 56x56 5.95 -> 4.85 ms (load 2).
 * The flag must be set before the first WebAssembly module is compiled or validated;
 * the library itself never sets it (it is the host's process). `NETFIG_WASM=simd`
 * still keeps the plain build.
 */
export function allowRelaxedSimd(): void {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
}
