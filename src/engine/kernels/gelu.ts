import type { Tensor } from "../tensor.js";

/**
 * erfc(z) for z ≥ 0 with a relative error below 1.2e-7 everywhere (Numerical Recipes in C,
 * 2nd ed., §6.2, `erfcc`). PyTorch's vectorised float32 kernel computes 1 + erf(x/√2) with an erf of
 * about 1e-7 absolute error, which cancels in the negative tail (off by 1e-4 of the value at
 * x ≈ −3.3); the references are therefore PyTorch's float64 GELU.
 */
function erfcNonNegative(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  return (
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  );
}

/** Φ(x), the standard normal distribution function, as erfc(−x/√2)/2: exact to float32 in the far tails too. */
function normalCdf(x: number): number {
  const z = -x * Math.SQRT1_2;
  return z >= 0 ? 0.5 * erfcNonNegative(z) : 1 - 0.5 * erfcNonNegative(-z);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** PyTorch's `nn.GELU()`: x·Φ(x); with `tanh`, `approximate='tanh'`: x/2·(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  const src = x.data;
  const out = new Float32Array(src.length);
  if (approximate === "tanh") {
    for (let i = 0; i < src.length; i++) {
      const v = src[i]!;
      out[i] = 0.5 * v * (1 + Math.tanh(SQRT_2_OVER_PI * (v + 0.044715 * v * v * v)));
    }
  } else {
    for (let i = 0; i < src.length; i++) out[i] = src[i]! * normalCdf(src[i]!);
  }
  return { shape: [...x.shape], data: out };
}
