import type { Attributes } from "./attributes.js";
import { arg, args, type ImportContext, type LayerWeights } from "./context.js";
import type { NodeProto } from "./decode.js";
import type { DataValue, Value } from "./values.js";

/**
 * Residual shortcuts drawn as the language's own: a 1x1 conv on the shortcut path is
 * `proj` (ResNet option B), a subsample with zero channels appended is `chanpad` (option A).
 */

/**
 * The main branch a shortcut joins: the other operand of the one Add that reads `tensor`,
 * directly or through one BatchNormalization (torchvision's `downsample` is conv then BN).
 * Undefined unless that branch is already imported, so its shape is known.
 */
function mainBranch(ctx: ImportContext, tensor: string, throughNorm: boolean): DataValue | undefined {
  let readers = ctx.consumers.get(tensor) ?? [];
  if (throughNorm && readers.length === 1 && readers[0]!.opType === "BatchNormalization") {
    tensor = readers[0]!.output?.[0] ?? "";
    readers = ctx.consumers.get(tensor) ?? [];
  }
  const add = readers[0];
  if (readers.length !== 1 || add?.opType !== "Add" || add.input?.length !== 2) return undefined;
  const other = add.input.find((name) => name !== tensor);
  const value = other === undefined ? undefined : ctx.values.get(other);
  return value?.kind === "data" && value.shape?.length === 3 ? value : undefined;
}

/**
 * Whether `layer` was computed from `source`, and is not `source` itself: a shortcut and its main branch start from
 * the same tensor. (A main branch's last 1x1 conv, added to the block's input, is not a
 * shortcut.) Only layers after `source` are searched, so the walk stays inside the block.
 */
function computedFrom(ctx: ImportContext, layer: string, source: string): boolean {
  if (layer === source) return false; // x + conv(x): the conv is the branch, x the shortcut
  const start = ctx.positions.get(source)!;
  const seen = new Set<string>();
  const pending = [layer];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (id === source) return true;
    if (seen.has(id) || ctx.positions.get(id)! < start) continue;
    seen.add(id);
    pending.push(...ctx.nodes[ctx.positions.get(id)!]!.inputs);
  }
  return false;
}

/** `floor((n - 1) / s) + 1 = t` and s the stride `shortcutStride` derives from n and t: the shortcut maps n onto t exactly as the op will. */
function mapsOnto(n: number, s: number, t: number): boolean {
  return Math.floor((n - 1) / s) + 1 === t && Math.ceil(n / t) === s;
}

/** A Conv that is a projection shortcut: 1x1, unpadded, ungrouped, read (through a BN) by an Add with a main branch of exactly its output shape. */
export function projection(ctx: ImportContext, node: NodeProto, a: Attributes, input: DataValue, filters: number, weights: LayerWeights, bias: boolean): DataValue | undefined {
  const kernel = a.ints("kernel_shape") ?? [];
  const strides = a.ints("strides") ?? [1, 1];
  const plain = kernel.join() === "1,1" && a.int("group", 1) === 1 && (a.ints("dilations") ?? [1, 1]).every((d) => d === 1)
    && (a.ints("pads") ?? [0, 0, 0, 0]).every((p) => p === 0) && ["NOTSET", "VALID"].includes(a.string("auto_pad", "NOTSET"));
  if (!plain || input.shape?.length !== 3) return undefined;
  const target = mainBranch(ctx, node.output?.[0] ?? "", true);
  if (!target) return undefined;
  const [h, w] = input.shape;
  const [th, tw, tc] = target.shape!;
  if (tc !== filters || !mapsOnto(h!, strides[0]!, th!) || !mapsOnto(w!, strides[1]!, tw!) || !computedFrom(ctx, target.node, input.node)) return undefined;
  return ctx.emit(node, "proj", args([], { bias: arg.word(String(bias)) }), [input], { weights, target });
}

/**
 * A Pad that appends zero channels to an image (or to every s-th pixel of one, a strided
 * Slice), read by an Add: ResNet's option A, `chanpad`. Undefined for any other Pad of channels.
 */
export function zeroChannels(ctx: ImportContext, node: NodeProto, source: Value | undefined, pads: readonly number[]): DataValue | undefined {
  const [nb, cb, t, l, ne, ce, b, r] = pads;
  if ([nb, cb, t, l, ne, b, r].some((p) => p !== 0) || !(ce! > 0)) return undefined;
  const base = source?.kind === "strided" ? source.base : source?.kind === "data" ? source : undefined;
  const [sh, sw] = source?.kind === "strided" ? source.stride : [1, 1];
  if (base?.shape?.length !== 3) return undefined;
  const target = mainBranch(ctx, node.output?.[0] ?? "", false);
  if (!target) return undefined;
  const [h, w, c] = base.shape;
  const [th, tw, tc] = target.shape!;
  if (tc !== c! + ce! || !mapsOnto(h!, sh, th!) || !mapsOnto(w!, sw, tw!) || !computedFrom(ctx, target.node, base.node)) return undefined;
  return ctx.emit(node, "chanpad", args(), [base], { target });
}

/**
 * A projection computed before its main branch (RegNet's `self.proj(x) + self.f(x)`): when
 * the Add that joins them is read, the 1x1 conv (and the BN after it) becomes `proj` and
 * moves after the main branch, where the language puts a shortcut, so its target is known
 * when it is sized. Nothing else reads the moved layers, so the order stays topological.
 */
export function earlyProjection(ctx: ImportContext, operands: readonly DataValue[]): void {
  if (operands.length !== 2) return;
  const layerOf = (id: string) => ctx.nodes[ctx.positions.get(id)!]!;
  const onlyRead = (id: string) => (ctx.consumers.get(ctx.tensorNames.get(id) ?? "") ?? []).length === 1;
  for (const [shortcut, main] of [operands, [...operands].reverse()] as DataValue[][]) {
    if (main!.shape?.length !== 3 || !shortcut!.shape || shortcut!.shape.join() !== main!.shape.join()) continue;
    const last = layerOf(shortcut!.node);
    const chain = last.op === "bn" ? [layerOf(last.inputs[0]!), last] : [last];
    const conv = chain[0]!;
    const attrs = conv.attrs as { kernel?: number[]; padding?: unknown; dilation?: number[]; groups?: number; stride?: number[]; bias?: boolean };
    const plain = conv.op === "conv" && attrs.kernel?.join() === "1,1" && attrs.groups === 1 && attrs.dilation?.every((d) => d === 1)
      && Array.isArray(attrs.padding) && attrs.padding.every((p) => p === 0);
    if (!plain || !chain.every((layer) => onlyRead(layer.id)) || ctx.positions.get(conv.id)! > ctx.positions.get(main!.node)!) continue;
    const input = ctx.shapes.get(conv.inputs[0]!);
    const [h, w] = input ?? [];
    const [th, tw] = main!.shape;
    if (input?.length !== 3 || !mapsOnto(h!, attrs.stride![0]!, th!) || !mapsOnto(w!, attrs.stride![1]!, tw!) || !computedFrom(ctx, main!.node, conv.inputs[0]!)) continue;
    conv.op = "proj";
    conv.attrs = { target: main!.node, bias: attrs.bias ?? false };
    const moved = new Set(chain.map((layer) => layer.id));
    const kept = ctx.nodes.filter((layer) => !moved.has(layer.id));
    ctx.nodes.splice(0, ctx.nodes.length, ...kept, ...chain);
    ctx.nodes.forEach((layer, i) => ctx.positions.set(layer.id, i));
    return;
  }
}
