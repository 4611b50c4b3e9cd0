import { asBool, asPositiveInt, ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef } from "./types.js";

type RecurrentAttrs = { hidden: number; layers: number; bidirectional: boolean; last: boolean; bias: boolean };

/** Gates per cell: PyTorch stacks them in one weight matrix (`4*hidden` rows for LSTM). */
const GATES = { rnn: 1, lstm: 4, gru: 3 } as const;

function recurrentOp(name: keyof typeof GATES, description: string): OpDef<RecurrentAttrs> {
  const gates = GATES[name];
  const directions = (attrs: RecurrentAttrs) => (attrs.bidirectional ? 2 : 1);
  /** Input features of each stacked layer: the sequence's, then the previous layer's output. */
  const layerInputs = (features: number, attrs: RecurrentAttrs) =>
    Array.from({ length: attrs.layers }, (_, i) => (i === 0 ? features : attrs.hidden * directions(attrs)));
  return {
    name,
    category: "recurrent",
    description,
    inputs: "one",
    compile(args) {
      const reader = new ArgReader(args, name);
      const hidden = reader.positional("number") ?? reader.named("hidden", "units");
      if (!hidden) throw new ArgError(`${name} needs a hidden size`, `write e.g. ${name} 128`);
      const layers = reader.named("layers", "num_layers");
      const biasArg = reader.named("bias");
      const attrs: RecurrentAttrs = {
        hidden: asPositiveInt(hidden, "hidden"),
        layers: layers ? asPositiveInt(layers, "layers") : 1,
        bidirectional: reader.flag("bidirectional"),
        last: reader.flag("last"),
        bias: biasArg ? asBool(biasArg, "bias") : true,
      };
      reader.finish(["hidden", "layers", "bidirectional", "last", "bias"]);
      return attrs;
    },
    outShape([input], attrs) {
      if (input!.length !== 2) {
        throw new ShapeError(`${name} needs a TxN sequence, got ${writtenShape(input!)}`, "write the input as steps x features, e.g. input 35x128");
      }
      const features = attrs.hidden * directions(attrs);
      return attrs.last ? [features] : [input![0]!, features];
    },
    // PyTorch: per layer and direction, W_ih (gates·H × in), W_hh (gates·H × H), b_ih and b_hh.
    params([input], _out, attrs) {
      return layerInputs(input![1]!, attrs).reduce(
        (sum, inFeatures) => sum + directions(attrs) * gates * attrs.hidden * (inFeatures + attrs.hidden + (attrs.bias ? 2 : 0)),
        0,
      );
    },
    macs([input], _out, attrs) {
      const steps = input![0]!;
      return layerInputs(input![1]!, attrs).reduce(
        (sum, inFeatures) => sum + steps * directions(attrs) * gates * attrs.hidden * (inFeatures + attrs.hidden),
        0,
      );
    },
    describe: (attrs) => `${attrs.hidden}${attrs.bidirectional ? " bi" : ""}${attrs.layers > 1 ? ` ×${attrs.layers}` : ""}`,
  };
}

export const rnn = recurrentOp("rnn", "Elman RNN over a TxN sequence: HIDDEN layers= bidirectional last");
export const lstm = recurrentOp("lstm", "LSTM over a TxN sequence: HIDDEN layers= bidirectional last");
export const gru = recurrentOp("gru", "GRU over a TxN sequence: HIDDEN layers= bidirectional last");
