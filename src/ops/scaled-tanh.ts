import { scaledTanh } from "../engine/kernels/lenet.js";
import { asNumber, ArgReader } from "./args.js";
import type { OpDef } from "./types.js";

type ScaledTanhAttrs = { amplitude: number; slope: number };

/** LeNet-5's squashing function's constants (LeCun et al., 1998, section II.B and appendix A). */
const LECUN_AMPLITUDE = 1.7159;
const LECUN_SLOPE = 2 / 3;

/** The scaled hyperbolic tangent A·tanh(S·a), LeNet-5's squashing function: amplitude= (1.7159) slope= (2/3). */
export const scaledtanh: OpDef<ScaledTanhAttrs> = {
  name: "scaledtanh",
  aliases: ["lecuntanh"],
  category: "activation",
  description: "scaled hyperbolic tangent A·tanh(S·x): amplitude= slope= (LeNet-5's 1.7159 and 2/3)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "scaledtanh");
    const amplitude = reader.named("amplitude", "a");
    const slope = reader.named("slope", "s");
    reader.finish(["amplitude", "slope"]);
    return { amplitude: amplitude ? asNumber(amplitude, "amplitude") : LECUN_AMPLITUDE, slope: slope ? asNumber(slope, "slope") : LECUN_SLOPE };
  },
  outShape: ([input]) => [...input!],
  params: () => 0,
  macs: () => 0,
  note: (attrs) => `${attrs.amplitude}·tanh`,
  forward: ([x], attrs) => scaledTanh(x!, attrs.amplitude, attrs.slope),
};
