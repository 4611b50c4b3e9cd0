/**
 * The execute stage's core: an analysed network run forward by its ops' `forward`
 * functions, which call the engine's kernels. The engine itself knows neither the graph nor
 * the analysis; this module is where the two meet, after analyze.
 */

import type { AnalyzedNetwork, LayerAnalysis } from "../analyze/types.js";
import { displayName } from "../analyze/analyze.js";
import type { InitSpec } from "../engine/init.js";
import type { Epilogue } from "../engine/kernels/conv.js";
import { seededInput, seededTokens } from "../engine/init.js";
import type { ComputePool } from "../engine/pool.js";
import { chwFromShape, sameShape, type Tensor } from "../engine/tensor.js";
import type { WeightSource } from "../engine/weights.js";
import { isNetfigError, NetfigError } from "../lang/diagnostics.js";
import { elements } from "../ops/shape.js";
import { getOp } from "../ops/index.js";
import { concatChannels } from "../ops/merge.js";
import { DataError, type ForwardContext, type OpDef } from "../ops/types.js";

export interface RunOptions {
  weights: WeightSource;
  pool: ComputePool;
  /** Tensors for input layers by id (`[C, H, W]`, `[N]`, `[T, N]`); inputs not given get seeded noise. */
  inputs?: ReadonlyMap<string, Tensor>;
  seed: number;
  /** Keep every layer's output in the result (thumbnails); otherwise only the network's outputs. */
  keepAll?: boolean;
  /** Called with each layer's output as soon as it exists, in order (dumps); with it, the run computes every layer on its own. */
  onLayer?(layer: LayerAnalysis, output: Tensor): void | Promise<void>;
  /** Called as each layer is done, in order, without its output (a progress line): unlike `onLayer`, it leaves the run free to fuse layers. */
  onProgress?(layer: LayerAnalysis): void;
  /** Called with the tensors layers compute on the way that a figure may show (`ForwardContext.keepIntermediate`). */
  onIntermediate?(layer: LayerAnalysis, name: string, tensor: Tensor): void;
  /** The most float32 values the run may compute, all layers' outputs together (default RUN_MAX_ELEMENTS). */
  maxElements?: number;
}

/**
 * What a run may compute unless asked for more: 2^30 values (4 GiB of float32) over all
 * layers' outputs. VGG-16 at 224×224 computes 15 million; `input 100000x100000x3` would need 30 billion.
 */
export const RUN_MAX_ELEMENTS = 2 ** 30;
/** The most one layer's output may hold: a typed array's limit in Node. */
const LAYER_MAX_ELEMENTS = 2 ** 32 - 1;

/** Refuses, before anything is allocated, a run whose tensors would not fit in memory: located at the layer where the budget runs out. */
export function checkRunBudget(analyzed: AnalyzedNetwork, maxElements = RUN_MAX_ELEMENTS): void {
  let total = 0;
  for (const layer of analyzed.layers) {
    const count = elements(layer.shape);
    total += count;
    if (count <= LAYER_MAX_ELEMENTS && total <= maxElements) continue;
    const node = layer.node;
    throw new NetfigError([
      {
        severity: "error",
        message: `${node.op} ${displayName(node)}: running the network up to here computes ${total} values, more than the ${maxElements} a run may (${layer.shape.join("x")} here)`,
        location: node.loc,
        hint: count > LAYER_MAX_ELEMENTS ? "no engine holds a tensor this large; run a smaller input size" : "run a smaller input size, or raise the limit with --max-elements N",
      },
    ]);
  }
}

/**
 * A weight source whose failures (a missing or mis-shaped tensor in a weights file)
 * become diagnostics pointing at the layer that asked for the tensor.
 */
export class LayerWeights implements WeightSource {
  constructor(
    private readonly source: WeightSource,
    private readonly layer: LayerAnalysis,
  ) {}

  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    try {
      return this.source.get(name, shape, init);
    } catch (error) {
      const message = isNetfigError(error)
        ? error.diagnostics.map((d) => (d.location?.file ? `${d.location.file}: ${d.message}` : d.message)).join("; ")
        : error instanceof Error
          ? error.message
          : String(error);
      throw new NetfigError([{ severity: "error", message: `${this.layer.node.op} ${displayName(this.layer.node)}: ${message}`, location: this.layer.node.loc }]);
    }
  }
}

/** Tower base name → its lanes' node ids, in lane order. */
function towerLanes(analyzed: AnalyzedNetwork): Map<string, string[]> {
  const lanes = new Map<string, string[]>();
  for (const { node } of analyzed.layers) {
    if (!node.tower) continue;
    const ids = lanes.get(node.tower.base) ?? [];
    ids[node.tower.index] = node.id;
    lanes.set(node.tower.base, ids);
  }
  return lanes;
}

/** Lane `index` of `count`'s share of the channels (the first dimension) of a tensor. */
function laneChannels(t: Tensor, index: number, count: number): Tensor {
  const channels = t.shape[0]! / count;
  const size = t.data.length / t.shape[0]!;
  return { shape: [channels, ...t.shape.slice(1)], data: t.data.slice(index * channels * size, (index + 1) * channels * size) };
}

/**
 * Who reads what in a network: each layer's reads (its inputs, and for a channel-mixing
 * layer in towers its sibling lanes' inputs too), each layer's readers, the lanes of each
 * tower, and which layers only rectifiers read (`OpDef.rectifies`: they initialise with He). `netfig export`
 * plans with the same rules, so it fetches exactly the weights a run uses.
 */
export interface ReadPlan {
  lanes: Map<string, string[]>;
  inputsOf: Map<string, string[]>;
  reads: Map<string, string[]>;
  consumers: Map<string, string[]>;
  reluFollows(id: string): boolean;
}

/** The read plan of an analysed network (see ReadPlan). */
export function readPlan(analyzed: AnalyzedNetwork): ReadPlan {
  const lanes = towerLanes(analyzed);
  const inputsOf = new Map(analyzed.layers.map((l) => [l.node.id, l.node.inputs]));
  const reads = new Map<string, string[]>();
  for (const { node } of analyzed.layers) {
    const siblings = node.tower && getOp(node.op).mixesChannels ? lanes.get(node.tower.base)!.filter((id) => id !== node.id) : [];
    reads.set(node.id, [...node.inputs, ...siblings.flatMap((id) => inputsOf.get(id)!)]);
  }
  const consumers = new Map<string, string[]>();
  for (const [id, inputs] of reads) {
    for (const input of inputs) consumers.set(input, [...(consumers.get(input) ?? []), id]);
  }
  const opOf = new Map(analyzed.layers.map((l) => [l.node.id, getOp(l.node.op)]));
  const rectified = new Set(
    [...consumers].filter(([, users]) => users.length > 0 && users.every((user) => opOf.get(user)!.rectifies === true)).map(([id]) => id),
  );
  return { lanes, inputsOf, reads, consumers, reluFollows: (id) => rectified.has(id) };
}

/** A layer run together with the layers after it that only it feeds: their outputs are never computed on their own. */
interface Fusion {
  /** The per-channel affine layer (bn) applied to the layer's output. */
  affine?: LayerAnalysis;
  /** The sum layer (a residual add) of the output and `residual`, computed before the layer: added after the affine. */
  sum?: LayerAnalysis;
  residual?: string;
  /** The rectifier (ReLU) applied last. */
  rectifier?: LayerAnalysis;
}

/**
 * Which layers absorb the affine, sum and rectifier after them (`OpDef.absorbsEpilogue`):
 * a conv whose only reader is a bn, whose only reader is a two-input add whose other
 * input is computed before the conv, whose only reader is a ReLU (ResNet's block end:
 * conv → bn → add → relu), or any prefix of that chain past the conv. Only for a run
 * that shows no layer's own output (no `keepAll`, no `onLayer`): the absorbing layer's
 * output is then the last absorbed layer's, bit for bit (a float sum of two terms is
 * the same in either order), and the layers between are never stored. Layers in towers
 * or sharing parameters run as written.
 */
function fusionPlan(analyzed: AnalyzedNetwork, consumers: ReadonlyMap<string, string[]>): { fusions: Map<string, Fusion>; absorbed: Map<string, string> } {
  const byId = new Map(analyzed.layers.map((l) => [l.node.id, l]));
  const order = new Map(analyzed.layers.map((l, i) => [l.node.id, i]));
  const plain = (l: LayerAnalysis) => !l.node.tower && l.shares === undefined && !l.tied;
  /** The single reader of `id` if it passes `test` and reads `inputs` tensors. */
  const soleReader = (id: string, test: (op: OpDef) => boolean, inputs = 1): LayerAnalysis | undefined => {
    const users = consumers.get(id) ?? [];
    if (users.length !== 1) return undefined;
    const user = byId.get(users[0]!)!;
    return plain(user) && user.node.inputs.length === inputs && test(getOp(user.node.op)) ? user : undefined;
  };
  const fusions = new Map<string, Fusion>();
  /** Absorbed layer → the layer before it in its chain, whose output (the absorbing layer's) it passes on. */
  const absorbed = new Map<string, string>();
  for (const layer of analyzed.layers) {
    if (!getOp(layer.node.op).absorbsEpilogue || !plain(layer)) continue;
    const affine = soleReader(layer.node.id, (op) => op.channelAffine !== undefined);
    let tail = affine ?? layer;
    const sumLayer = soleReader(tail.node.id, (op) => op.sumsInputs === true, 2);
    const residual = sumLayer?.node.inputs.find((id) => id !== tail.node.id);
    // The other term must exist when the conv runs, and be a different tensor (not x + x).
    const sum = sumLayer && residual !== undefined && order.get(residual)! < order.get(layer.node.id)! ? sumLayer : undefined;
    if (sum) tail = sum;
    const rectifier = soleReader(tail.node.id, (op) => op.clampsAtZero === true);
    if (!affine && !sum && !rectifier) continue;
    fusions.set(layer.node.id, { ...(affine && { affine }), ...(sum && { sum, residual }), ...(rectifier && { rectifier }) });
    let before = layer.node.id;
    for (const l of [affine, sum, rectifier]) {
      if (!l) continue;
      absorbed.set(l.node.id, before);
      before = l.node.id;
    }
  }
  return { fusions, absorbed };
}

/**
 * The epilogue a fusion hands its absorbing layer: the affine layer's scale and shift,
 * read under that layer's name (kept by a source that holds its parameters across runs),
 * and the residual's live tensor.
 */
function epilogueOf(fusion: Fusion, weights: WeightSource, reluFollows: (id: string) => boolean, live: ReadonlyMap<string, Tensor>): Epilogue {
  const channelAffine = (layer: LayerAnalysis) =>
    getOp(layer.node.op).channelAffine!(layer.node.attrs, {
      layer: layer.node.id,
      weights: new LayerWeights(weights, layer),
      inputShapes: layer.inputShapes,
      reluFollows: reluFollows(layer.node.id),
    });
  const layer = fusion.affine;
  const affine = layer && (weights.derived?.(layer, () => channelAffine(layer)) ?? channelAffine(layer));
  const residual = fusion.residual === undefined ? undefined : live.get(fusion.residual)!;
  return { ...(affine && { affine }), ...(residual && { residual }), rectify: fusion.rectifier !== undefined };
}

/** A layer's forward, its data errors (`DataError`) said at the layer as diagnostics. */
async function forwardOf(layer: LayerAnalysis, op: OpDef, inputs: Tensor[], ctx: ForwardContext): Promise<Tensor> {
  try {
    return await op.forward!(inputs, layer.node.attrs, ctx);
  } catch (error) {
    if (!(error instanceof DataError)) throw error;
    throw new NetfigError([{ severity: "error", message: `${layer.node.op} ${displayName(layer.node)}: ${error.message}`, location: layer.node.loc, hint: error.hint }]);
  }
}

/**
 * Runs an analysed network forward, layer by layer in topological order, and checks
 * every actual output shape against the analysed one. Returns the outputs it keeps, by
 * layer id. Outputs stay in the pool's memory while a later layer reads them (the next
 * conv reads its input in place) and are freed after their last reader; what leaves
 * the run (kept outputs, `onLayer`, `onIntermediate`) is copied out.
 */
export async function runNetwork(analyzed: AnalyzedNetwork, options: RunOptions): Promise<Map<string, Tensor>> {
  checkRunBudget(analyzed, options.maxElements);
  return options.pool.resident(() => runLayers(analyzed, options));
}

/** The plans of a network run again and again (a model held across runs): made at its first run. */
const plans = new WeakMap<AnalyzedNetwork, { read: ReadPlan; fused: ReturnType<typeof fusionPlan> }>();

function plansOf(analyzed: AnalyzedNetwork): { read: ReadPlan; fused: ReturnType<typeof fusionPlan> } {
  let made = plans.get(analyzed);
  if (!made) {
    const read = readPlan(analyzed);
    made = { read, fused: fusionPlan(analyzed, read.consumers) };
    plans.set(analyzed, made);
  }
  return made;
}

async function runLayers(analyzed: AnalyzedNetwork, options: RunOptions): Promise<Map<string, Tensor>> {
  const { pool } = options;
  const { read, fused } = plansOf(analyzed);
  const { lanes, inputsOf, reads, consumers, reluFollows } = read;
  const remaining = new Map([...consumers].map(([id, users]) => [id, users.length]));
  const live = new Map<string, Tensor>();
  const kept = new Map<string, Tensor>();
  const showsLayers = options.keepAll === true || options.onLayer !== undefined;
  const { fusions, absorbed } = showsLayers ? { fusions: new Map<string, Fusion>(), absorbed: new Map<string, string>() } : fused;

  for (const layer of analyzed.layers) {
    const { node } = layer;
    const op = getOp(node.op);
    let output: Tensor;
    if (op.inputs === "none") {
      const vocabulary = node.attrs.tokens;
      output =
        options.inputs?.get(node.id) ??
        (typeof vocabulary === "number" ? seededTokens(options.seed, layer.shape, vocabulary) : seededInput(options.seed, chwFromShape(layer.shape)));
      if (!sameShape(output.shape, chwFromShape(layer.shape))) {
        throw new NetfigError([
          {
            severity: "error",
            message: `input ${node.id} is [${chwFromShape(layer.shape).join(", ")}] (C, H, W), the given tensor is [${output.shape.join(", ")}]`,
            location: node.loc,
          },
        ]);
      }
    } else if (absorbed.has(node.id)) {
      // Computed by the layer that absorbed it, which applied this layer to its own output (passed on down the chain).
      output = live.get(absorbed.get(node.id)!)!;
    } else {
      if (!op.forward) {
        throw new NetfigError([
          { severity: "error", message: `${node.op} ${displayName(node)} is not executable yet: the engine has no ${node.op} kernel`, location: node.loc, hint: "draw it without --activations, or run a network without it" },
        ]);
      }
      const tensors = node.inputs.map((id) => live.get(id)!);
      // A single-input layer reading several (a `cross` layer in towers) reads their concatenation.
      let inputs = op.inputs === "one" && tensors.length > 1 ? [concatChannels(tensors)] : tensors;
      const mixesLanes = node.tower !== undefined && op.mixesChannels === true;
      if (mixesLanes) inputs = [concatChannels(lanes.get(node.tower!.base)!.map((id) => live.get(inputsOf.get(id)![0]!)!))];
      output = await forwardOf(layer, op, inputs, {
        // A layer that shares another's parameters (`shares=`) reads them under the owner's name: one tensor.
        // A tied layer reads the owner's weight matrix and keeps its other parameters (an fc's bias).
        layer: layer.tied ? node.id : (layer.shares ?? node.id),
        ...(layer.tied && { tiedTo: layer.shares }),
        weights: new LayerWeights(options.weights, layer),
        pool,
        inputShapes: layer.inputShapes,
        out: layer.shape,
        reluFollows: reluFollows(layer.shares ?? node.id),
        ...(fusions.has(node.id) && { epilogue: epilogueOf(fusions.get(node.id)!, options.weights, reluFollows, live) }),
        ...(options.onIntermediate && { keepIntermediate: (name: string, tensor: Tensor) => options.onIntermediate!(layer, name, pool.detach(tensor)) }),
      });
      if (mixesLanes) output = laneChannels(output, node.tower!.index, node.tower!.count);
      if (!sameShape(output.shape, chwFromShape(layer.shape))) {
        throw new Error(`${node.id}: the engine produced [${output.shape.join(", ")}] where the analysis expects [${chwFromShape(layer.shape).join(", ")}] (C, H, W)`);
      }
    }
    const leaves = options.onLayer !== undefined || options.keepAll === true || !consumers.has(node.id);
    const outside = leaves ? pool.detach(output) : output;
    await options.onLayer?.(layer, outside);
    options.onProgress?.(layer);
    live.set(node.id, output);
    if (options.keepAll || !consumers.has(node.id)) kept.set(node.id, outside);
    for (const input of reads.get(node.id)!) {
      const left = remaining.get(input)! - 1;
      remaining.set(input, left);
      if (left === 0) live.delete(input);
    }
    pool.retain(live.values());
  }
  return kept;
}
