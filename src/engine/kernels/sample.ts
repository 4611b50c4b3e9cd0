import { SplitMix32 } from "../init.js";
import { sameShape, type Tensor } from "../tensor.js";

/**
 * Standard normal noise of `shape` from a stream seeded by `seed` alone (Box–Muller on
 * SplitMix32's uniforms), so one seed gives the same sample on every machine.
 */
export function gaussianNoise(seed: number, shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const rng = new SplitMix32(seed);
  for (let i = 0; i < n; i += 2) {
    // 1 − u keeps the logarithm's argument in (0, 1].
    const radius = Math.sqrt(-2 * Math.log(1 - rng.nextFloat()));
    const angle = 2 * Math.PI * rng.nextFloat();
    data[i] = radius * Math.cos(angle);
    if (i + 1 < n) data[i + 1] = radius * Math.sin(angle);
  }
  return { shape: [...shape], data };
}

/** A VAE's reparameterisation (Kingma & Welling, 2014): `μ + exp(½·log σ²)·ε`. */
export function reparameterize(mean: Tensor, logVariance: Tensor, noise: Tensor): Tensor {
  if (!sameShape(mean.shape, logVariance.shape) || !sameShape(mean.shape, noise.shape)) {
    throw new RangeError(`sample: mean [${mean.shape.join(", ")}], log-variance [${logVariance.shape.join(", ")}] and noise [${noise.shape.join(", ")}] differ`);
  }
  const out = new Float32Array(mean.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mean.data[i]! + Math.exp(0.5 * logVariance.data[i]!) * noise.data[i]!;
  return { shape: [...mean.shape], data: out };
}
