import { classTokenParameter } from "../../../ops/clstoken.js";
import { patchEmbedParameters, type PatchEmbedAttrs } from "../../../ops/patchembed.js";
import { positionParameters, type PosEmbedAttrs } from "../../../ops/posembed.js";
import { tokenStep, type TokenAttrs } from "../../../ops/token.js";
import { part, type OpExport } from "../builder.js";

/** torchvision's `_process_input`: the patch Conv (`<layer>.weight`, `.bias`), Reshaped to `[batch, D, patches]` and Transposed to `[batch, patches, D]`. */
export const patchembed: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as PatchEmbedAttrs;
  const { weight, bias } = patchEmbedParameters(attrs, l.params);
  const inputs = [l.inputs[0]!, g.weight(`${l.output}.weight`, weight)];
  if (bias) inputs.push(g.weight(`${l.output}.bias`, { shape: [bias.length], data: bias }));
  const maps = g.node("Conv", inputs, part(l, "conv"), { kernel_shape: attrs.patch, strides: attrs.patch, pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 });
  const flat = g.node("Reshape", [maps, g.ints(part(l, "flat_shape"), [0, attrs.dimension, -1])], part(l, "flat"));
  g.node("Transpose", [flat], l.output, { perm: [0, 2, 1] });
};

/** `torch.cat([class_token.expand(batch, -1, -1), x], dim=1)`: `<layer>.weight` `[1, 1, D]` Expanded to the batch, then Concat on the steps. */
export const clstoken: OpExport = (g, l) => {
  const token = classTokenParameter(l.params);
  const features = token.shape[2]!;
  const batch = g.node("Slice", [g.node("Shape", [l.inputs[0]!], part(l, "input_shape")), g.ints(part(l, "batch_start"), [0]), g.ints(part(l, "batch_end"), [1])], part(l, "batch"));
  const shape = g.node("Concat", [batch, g.ints(part(l, "token_shape"), [1, features])], part(l, "expanded_shape"), { axis: 0 });
  const tokens = g.node("Expand", [g.weight(`${l.output}.weight`, token), shape], part(l, "tokens"));
  g.node("Concat", [tokens, l.inputs[0]!], l.output, { axis: 1 });
};

/**
 * Positions Added to the sequence: `<layer>.weight` `[1, T, D]` (torchvision's `pos_embedding`), the
 * first T rows of `<layer>.weight` Gathered (an `nn.Embedding` table, as BERT reads it), or the
 * sinusoids as a constant.
 */
export const posembed: OpExport = (g, l) => {
  const attrs = l.layer.node.attrs as PosEmbedAttrs;
  const [steps, features] = l.layer.inputShapes[0]! as [number, number];
  const values = positionParameters(attrs, l.params);
  let table: string;
  if (attrs.kind === "sinusoidal") table = g.weight(part(l, "sinusoids"), { shape: [1, steps, features], data: values });
  else if (attrs.positions === undefined) table = g.weight(`${l.output}.weight`, { shape: [1, steps, features], data: values });
  else {
    const ids = g.ints(part(l, "position_ids"), Array.from({ length: steps }, (_, i) => i));
    table = g.node("Gather", [g.weight(`${l.output}.weight`, { shape: [attrs.positions, features], data: values }), ids], part(l, "positions"), { axis: 0 });
  }
  g.node("Add", [l.inputs[0]!, table], l.output);
};

/** `x[:, index]`: a Gather of one step by a scalar index, which drops the step axis. */
export const token: OpExport = (g, l) => {
  const step = tokenStep(l.layer.inputShapes[0]!, l.layer.node.attrs as TokenAttrs);
  g.node("Gather", [l.inputs[0]!, g.intScalar(part(l, "index"), step)], l.output, { axis: 1 });
};
