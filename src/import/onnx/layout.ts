import { args, type ImportContext } from "./context.js";
import type { NodeProto, ValueInfoProto } from "./decode.js";
import type { ChannelsLastValue, DataValue, Value } from "./values.js";

/**
 * Channels-last graphs (tf2onnx's exports of Keras and TensorFlow models): the image
 * arrives NHWC and a Transpose(0,3,1,2) turns it NCHW for the convolutions; a
 * Transpose(0,2,3,1) turns it back before Flatten or a channels-last ReduceMean. The
 * transposes draw as nothing, so the network imports with the counts of its NCHW twin.
 */

const TO_NCHW = "0,3,1,2";
const TO_NHWC = "0,2,3,1";

function perm(node: NodeProto): string {
  return (node.attribute ?? []).find((a) => a.name === "perm")?.ints?.map(Number).join() ?? "";
}

/** A graph input every reader of which transposes it to NCHW: its dims are N, H, W, C. */
export function isChannelsLastInput(info: ValueInfoProto, consumers: ReadonlyMap<string, readonly NodeProto[]>): boolean {
  const readers = consumers.get(info.name ?? "") ?? [];
  return readers.length > 0 && readers.every((node) => node.opType === "Transpose" && perm(node) === TO_NCHW);
}

/** Transpose of an image between NCHW and NHWC; undefined for any other transpose. */
export function layoutTranspose(ctx: ImportContext, node: NodeProto): Value | undefined {
  const source = ctx.value(node, 0);
  const order = perm(node);
  if (source?.kind === "nhwc" && order === TO_NCHW) return source.base;
  if (source?.kind === "data" && source.shape?.length === 3 && order === TO_NHWC) return { kind: "nhwc", base: source } satisfies ChannelsLastValue;
  return undefined;
}

/**
 * Flatten (or Reshape to [N, -1]) of a channels-last image. The elements come in H, W, C
 * order where netfig's flatten reads C, H, W: the same counts, but the fc after it reads
 * its weights in another order, which the warning says.
 */
export function flattenChannelsLast(ctx: ImportContext, node: NodeProto, source: ChannelsLastValue): DataValue {
  ctx.warn(node, "flattens a channels-last (NHWC) image: drawn and counted as netfig's flatten, which reads C,H,W order; a run with the file's weights would read the next layer's weights in the wrong order");
  return ctx.emit(node, "flatten", args(), [source.base]);
}
