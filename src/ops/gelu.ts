import { gelu as geluKernel } from "../engine/kernels/gelu.js";
import { asWord, ArgReader } from "./args.js";
import { ArgError, type OpDef } from "./types.js";

export type GeluAttrs = { approximate: "none" | "tanh" };

/**
 * Gaussian error linear unit x·Φ(x) (PyTorch `nn.GELU`); `tanh` is its tanh approximation
 * (`approximate='tanh'`, GPT-2's and BERT's original code).
 */
export const gelu: OpDef<GeluAttrs> = {
  name: "gelu",
  category: "activation",
  description: "Gaussian error linear unit x·Φ(x); tanh: the tanh approximation",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "gelu");
    const tanh = reader.flag("tanh");
    const written = reader.named("approximate");
    reader.finish(["approximate", "tanh"]);
    const approximate = written ? asWord(written, "approximate", ["none", "tanh"] as const) : "none";
    if (tanh && written && approximate !== "tanh") throw new ArgError("gelu: tanh and approximate=none contradict each other", "write gelu tanh, or gelu alone for the exact form", "approximate");
    return { approximate: tanh ? "tanh" : approximate };
  },
  outShape: ([input]) => [...input!],
  params: () => 0,
  macs: () => 0,
  note: (attrs) => (attrs.approximate === "tanh" ? "GELU (tanh)" : "GELU"),
  forward: ([x], attrs) => geluKernel(x!, attrs.approximate),
};
