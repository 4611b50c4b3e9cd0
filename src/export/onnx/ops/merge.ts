import { channelAxis, part, type LayerExport, type OpExport } from "../builder.js";
import type { GraphBuilder } from "../builder.js";

export const concat: OpExport = (g, l) => {
  g.node("Concat", l.inputs, l.output, { axis: channelAxis(l.layer.shape) });
};

/**
 * An n-ary elementwise op as a chain of binary nodes, in input order: the engine sums
 * (multiplies) in that order too, and our importer reads binary Add and Mul.
 */
function chain(opType: "Add" | "Mul"): OpExport {
  return (g: GraphBuilder, l: LayerExport) => {
    let acc = l.inputs[0]!;
    for (let i = 1; i < l.inputs.length; i++) {
      acc = g.node(opType, [acc, l.inputs[i]!], i === l.inputs.length - 1 ? l.output : part(l, `partial${i}`), {}, { shape: l.layer.shape });
    }
    if (l.inputs.length === 1) g.node("Identity", [acc], l.output);
  };
}

export const add = chain("Add");
export const scale = chain("Mul");
