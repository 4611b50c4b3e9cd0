import { clip as clipKernel, hardSigmoid, hardSwish, relu6 as relu6Kernel } from "../engine/kernels/activation.js";
import type { Tensor } from "../engine/tensor.js";
import { asNumber, ArgReader } from "./args.js";
import { ArgError, type OpDef } from "./types.js";

/**
 * The piecewise-linear activations of mobile networks (MobileNet-V2/V3), which ONNX
 * exports as Clip, HardSigmoid and HardSwish. Each keeps its input's shape.
 */
function activation<A extends Record<string, number>>(
  name: string,
  description: string,
  read: (reader: ArgReader) => A,
  run: (x: Tensor, attrs: A) => Tensor,
  known: string[] = [],
): OpDef<A> {
  return {
    name,
    category: "activation",
    description,
    inputs: "one",
    compile(args) {
      const reader = new ArgReader(args, name);
      const attrs = read(reader);
      reader.finish(known);
      return attrs;
    },
    outShape: ([input]) => [...input!],
    params: () => 0,
    macs: () => 0,
    forward: ([x], attrs) => run(x!, attrs),
  };
}

/** `min(max(x, 0), 6)`: PyTorch `nn.ReLU6`. */
export const relu6 = activation("relu6", "ReLU capped at 6: min(max(0, x), 6)", () => ({}), (x) => relu6Kernel(x));

/** `min(max(x, MIN), MAX)`: PyTorch `torch.clamp` / `nn.Hardtanh`, ONNX Clip with other bounds. */
export const clip = activation(
  "clip",
  "clamps to [min, max]: min= max= (default -1, 1, as nn.Hardtanh)",
  (reader) => {
    const min = reader.named("min");
    const max = reader.named("max");
    const bounds = { min: min ? asNumber(min, "min") : -1, max: max ? asNumber(max, "max") : 1 };
    if (bounds.min > bounds.max) throw new ArgError(`clip: min ${bounds.min} is above max ${bounds.max}`, undefined, "min");
    return bounds;
  },
  (x, a) => clipKernel(x, a.min, a.max),
  ["min", "max"],
);

/** `max(0, min(1, alpha·x + beta))`; PyTorch's `nn.Hardsigmoid` is alpha 1/6, beta 1/2. */
export const hardsigmoid = activation(
  "hardsigmoid",
  "hard sigmoid max(0, min(1, alpha·x + beta)): alpha= beta= (default 1/6, 1/2 as PyTorch)",
  (reader) => {
    const alpha = reader.named("alpha");
    const beta = reader.named("beta");
    return { alpha: alpha ? asNumber(alpha, "alpha") : 1 / 6, beta: beta ? asNumber(beta, "beta") : 0.5 };
  },
  (x, a) => hardSigmoid(x, a.alpha, a.beta),
  ["alpha", "beta"],
);

/** `x · relu6(x + 3) / 6`: PyTorch `nn.Hardswish` (MobileNet-V3). */
export const hardswish = activation("hardswish", "hard swish x·relu6(x + 3)/6", () => ({}), (x) => hardSwish(x));
