/*
 * The ceiling of 128-bit WebAssembly SIMD on this machine: twelve independent
 * accumulators updated in registers, acc = acc * m + c, with no memory traffic, as
 * multiply then add (what simd128 compiles to) and as one fused multiply-add (relaxed
 * SIMD). Twelve chains cover the multiply-then-add latency of two pipes each. Each
 * update is 8 flops (4 lanes, a multiply and an add). Built by bench/engine-speed.mjs.
 */
#include <wasm_simd128.h>

#ifdef RELAXED_SIMD
#define STEP(x) x = __builtin_wasm_fma_f32x4(x, m, c)
#else
#define STEP(x) x = wasm_f32x4_add(wasm_f32x4_mul(x, m), c)
#endif

/* Runs n iterations of 12 updates; returns a lane of the sum so nothing is optimised away. */
float peak(int n, float seed) {
  const v128_t m = wasm_f32x4_splat(0.999999f), c = wasm_f32x4_splat(1e-7f);
  v128_t a0 = wasm_f32x4_splat(seed), a1 = wasm_f32x4_add(a0, c), a2 = wasm_f32x4_add(a1, c), a3 = wasm_f32x4_add(a2, c);
  v128_t a4 = wasm_f32x4_add(a3, c), a5 = wasm_f32x4_add(a4, c), a6 = wasm_f32x4_add(a5, c), a7 = wasm_f32x4_add(a6, c);
  v128_t a8 = wasm_f32x4_add(a7, c), a9 = wasm_f32x4_add(a8, c), a10 = wasm_f32x4_add(a9, c), a11 = wasm_f32x4_add(a10, c);
  for (int i = 0; i < n; i++) {
    STEP(a0); STEP(a1); STEP(a2); STEP(a3); STEP(a4); STEP(a5);
    STEP(a6); STEP(a7); STEP(a8); STEP(a9); STEP(a10); STEP(a11);
  }
  const v128_t s = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a0, a1), wasm_f32x4_add(a2, a3)),
                                  wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(a4, a5), wasm_f32x4_add(a6, a7)),
                                                 wasm_f32x4_add(wasm_f32x4_add(a8, a9), wasm_f32x4_add(a10, a11))));
  return wasm_f32x4_extract_lane(s, 0);
}
