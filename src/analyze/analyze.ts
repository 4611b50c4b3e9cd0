import { DiagnosticBag } from "../lang/diagnostics.js";
import { getOp } from "../ops/index.js";
import { concatShapes } from "../ops/merge.js";
import { checkedShape, elements } from "../ops/shape.js";
import { ShapeError } from "../ops/types.js";
import type { Graph, LayerNode, Network, Shape } from "../graph/types.js";
import type { AnalyzedGraph, AnalyzedNetwork, LayerAnalysis } from "./types.js";

const BYTES_PER_ELEMENT = 4;

/** Receptive field and jump along H and W, per layer (Araujo et al., Distill 2019), and the input image's H and W. */
interface Receptive {
  rf: [number, number];
  jump: [number, number];
  image: [number, number];
}

/**
 * Checks every tensor shape and counts parameters, MACs, receptive fields and memory.
 * Throws NetfigError with every shape error found, each pointing at the layer that caused it.
 */
export function analyze(graph: Graph): AnalyzedGraph {
  const diagnostics = new DiagnosticBag();
  const analyzed = analyzeInto(graph, diagnostics);
  diagnostics.throwIfErrors();
  return analyzed;
}

/** Analyses every network it can, collecting shape errors in `diagnostics`. */
export function analyzeInto(graph: Graph, diagnostics: DiagnosticBag): AnalyzedGraph {
  const networks = graph.networks.map((network) => analyzeNetwork(network, diagnostics));
  return { file: graph.file, networks: networks.filter((n): n is AnalyzedNetwork => n !== undefined), figure: graph.figure };
}

/**
 * The shapes a node's op sees. A single-input op given several inputs (a `cross` layer in
 * towers, or the first layer after them) reads their channel concatenation; a shortcut
 * also sees the shape of the main branch it must match.
 */
function opInputs(node: LayerNode, shapes: Shape[], shapeOf: (id: string) => Shape | undefined): Shape[] {
  const op = getOp(node.op);
  const inputs = op.inputs === "one" && shapes.length > 1 ? [concatShapes(shapes, node.id)] : shapes;
  const target = node.attrs.target;
  if (typeof target === "string" && target !== "") {
    const targetShape = shapeOf(target);
    if (targetShape) inputs.push(targetShape);
  }
  return inputs;
}

function analyzeNetwork(network: Network, diagnostics: DiagnosticBag): AnalyzedNetwork | undefined {
  const shapes = new Map<string, Shape>();
  const receptive = new Map<string, Receptive | undefined>();
  const layers: LayerAnalysis[] = [];
  const byId = new Map<string, LayerAnalysis>();
  let failed = false;
  for (const node of network.nodes) {
    const inputShapes = node.inputs.map((id) => shapes.get(id));
    const target = node.attrs.target;
    if (inputShapes.some((s) => s === undefined) || (typeof target === "string" && target !== "" && !shapes.has(target))) {
      failed = true; // an earlier error already explains this layer (or the branch a shortcut must match)
      continue;
    }
    const op = getOp(node.op);
    let shape: Shape;
    let seen: Shape[];
    try {
      seen = opInputs(node, inputShapes as Shape[], (id) => shapes.get(id));
      shape = checkedShape(op.outShape(seen, node.attrs));
    } catch (error) {
      if (!(error instanceof ShapeError)) throw error;
      const message = error.message.startsWith(`${node.op}`) ? error.message.replace(`${node.op}`, `${node.op} ${displayName(node)}`) : `${node.op} ${displayName(node)}: ${error.message}`;
      diagnostics.error(message, node.loc, error.hint);
      failed = true;
      continue;
    }
    const params = op.params(seen, shape, node.attrs);
    const owner = typeof node.attrs.shares === "string" ? byId.get(node.attrs.shares) : undefined;
    // A layer that reads only the owner's weight matrix (a transposed fc, an fc on an embedding's table) keeps its other parameters.
    const tiedMatrix = owner ? tiedMatrixSize(node, owner, seen) : undefined;
    if (owner) {
      const problem = sharingProblem(node, params, owner, seen, byId);
      if (problem) {
        const hint = owner.node.op === node.op ? "a layer shares with one of the same kind and settings, reading the same number of channels" : "a layer of another kind reads a weight matrix of the size it needs: fc V shares=EMB on D features reads embedding V D's table";
        diagnostics.error(`${node.op} ${displayName(node)} cannot share the parameters of ${displayName(owner.node)}: ${problem}`, node.loc, hint);
        failed = true;
        continue;
      }
    }
    shapes.set(node.id, shape);
    const field = receptiveField(node, seen, node.inputs.map((id) => receptive.get(id)));
    receptive.set(node.id, field);
    const layer: LayerAnalysis = {
      node,
      inputShapes: seen,
      shape,
      // Shared parameters are counted once, at the layer that owns them (PyTorch counts a tensor once);
      // a tied layer keeps its other parameters (an fc's bias).
      params: owner ? (tiedMatrix === undefined ? 0 : params - tiedMatrix) : params,
      macs: op.macs(seen, shape, node.attrs),
      memory: elements(shape) * BYTES_PER_ELEMENT,
    };
    if (field) {
      layer.rf = Math.max(...field.rf);
      layer.jump = Math.max(...field.jump);
    }
    // Sharing with a layer that shares too means sharing with the layer that owns the parameters.
    if (owner && params > 0) layer.shares = owner.shares ?? owner.node.id;
    if (owner && tiedMatrix !== undefined) layer.tied = true;
    layers.push(layer);
    byId.set(node.id, layer);
  }
  if (failed) return undefined;
  const totals = layers.reduce(
    (sum, l) => ({ params: sum.params + l.params, macs: sum.macs + l.macs, memory: sum.memory + l.memory }),
    { params: 0, macs: 0, memory: 0 },
  );
  return { network, layers, totals };
}

/** How many of `node`'s parameters are the weight matrix it reads from `owner`, when it reads only that; undefined when it shares the owner's parameters whole. */
function tiedMatrixSize(node: LayerNode, owner: LayerAnalysis, inputs: Shape[]): number | undefined {
  if (node.attrs.transposed === true) return elements(getOp(node.op).borrowsMatrix?.(inputs, node.attrs) ?? []);
  if (owner.node.op === node.op) return undefined;
  const borrowed = getOp(node.op).borrowsMatrix?.(inputs, node.attrs);
  return borrowed && getOp(owner.node.op).lendsMatrix ? elements(borrowed) : undefined;
}

/**
 * Why `node` cannot reuse `owner`'s parameters, or undefined when it can: same kind, settings
 * and count; or, across kinds, a weight matrix the owner lends of the size the layer reads.
 */
function sharingProblem(node: LayerNode, params: number, owner: LayerAnalysis, inputs: Shape[], byId: ReadonlyMap<string, LayerAnalysis>): string | undefined {
  if (owner.node.op !== node.op) return borrowedProblem(node, owner, inputs, byId);
  if (node.attrs.transposed === true) return tiedProblem(node, owner, inputs);
  if (owner.tied) return `${displayName(owner.node)} reads only the weight of ${owner.shares}; share with ${owner.shares} itself`;
  const settings = (attrs: LayerNode["attrs"]) => JSON.stringify(Object.entries(attrs).filter(([key]) => key !== "shares").sort(([a], [b]) => a.localeCompare(b)));
  if (settings(node.attrs) !== settings(owner.node.attrs)) return "their settings differ";
  const ownerParams = getOp(owner.node.op).params(owner.inputShapes, owner.shape, owner.node.attrs);
  if (ownerParams !== params) return `it would have ${params} parameters, ${displayName(owner.node)} has ${ownerParams}`;
  return undefined;
}

/** Why `node` cannot read the weight matrix of `owner` (or of the layer `owner` shares with), a layer of another kind: it must lend one of the size `node` reads. */
function borrowedProblem(node: LayerNode, named: LayerAnalysis, inputs: Shape[], byId: ReadonlyMap<string, LayerAnalysis>): string | undefined {
  const owner = named.shares === undefined ? named : byId.get(named.shares)!;
  const lent = getOp(owner.node.op).lendsMatrix?.(owner.node.attrs);
  const borrowed = getOp(node.op).borrowsMatrix?.(inputs, node.attrs);
  if (!lent || !borrowed || node.attrs.transposed === true) return `it is a ${node.op}, ${displayName(named.node)} a ${named.node.op}`;
  if (lent[0] !== borrowed[0] || lent[1] !== borrowed[1]) {
    return `it needs a ${borrowed[0]}×${borrowed[1]} weight (${borrowed[0]} units, ${borrowed[1]} input features), ${displayName(owner.node)}'s table is ${lent[0]}×${lent[1]}`;
  }
  return writtenWeightProblem(node, owner);
}

/** A layer that reads another's weight cannot also be given one in the file (`weights=`): it would be ignored. */
function writtenWeightProblem(node: LayerNode, owner: LayerAnalysis): string | undefined {
  return node.attrs.weights === undefined ? undefined : `its weight is ${displayName(owner.node)}'s, so it takes no weights=`;
}

/** Why a `transposed` fc cannot take `owner`'s weight transposed: it must map back what the owner maps. */
function tiedProblem(node: LayerNode, owner: LayerAnalysis, inputs: Shape[]): string | undefined {
  if (owner.node.attrs.shares !== undefined) return `${displayName(owner.node)} shares another layer's weight; name the layer that owns it`;
  const ownerIn = owner.inputShapes[0]!;
  const features = (shape: Shape) => shape[shape.length - 1]!;
  if (ownerIn.length !== 1 || inputs[0]!.length !== 1) return "a transposed weight is shared between fc layers on vectors";
  const units = node.attrs.units as number;
  if (features(owner.shape) !== features(inputs[0]!) || features(ownerIn) !== units) {
    return `it maps ${features(inputs[0]!)} to ${units}, so the transposed weight must map ${units} to ${features(inputs[0]!)}; ${displayName(owner.node)} maps ${features(ownerIn)} to ${features(owner.shape)}`;
  }
  return writtenWeightProblem(node, owner);
}

/** `r_l = r_{l-1} + (k_l - 1) j_{l-1}`, `j_l = j_{l-1} s_l`; a merge takes the largest of its inputs. */
function receptiveField(node: LayerNode, inputs: Shape[], fields: (Receptive | undefined)[]): Receptive | undefined {
  const op = getOp(node.op);
  if (op.inputs === "none") {
    const shape = inputs.length === 0 ? op.outShape([], node.attrs) : [];
    return shape.length === 3 ? { rf: [1, 1], jump: [1, 1], image: [shape[0]!, shape[1]!] } : undefined;
  }
  const known = fields.filter((f): f is Receptive => f !== undefined);
  if (known.length === 0) return undefined;
  const largest = (pick: (f: Receptive) => [number, number]): [number, number] => [Math.max(...known.map((f) => pick(f)[0])), Math.max(...known.map((f) => pick(f)[1]))];
  const rf = largest((f) => f.rf);
  const jump = largest((f) => f.jump);
  const image = largest((f) => f.image);
  // Every step of an attention's output reads every step of its input: the whole image.
  if (op.mixesSteps) return { rf: image, jump, image };
  if (!op.receptive || inputs[0]!.length !== 3) return { rf, jump, image };
  const step = op.receptive(inputs, node.attrs);
  return {
    rf: [rf[0] + (step.kernel[0] - 1) * jump[0], rf[1] + (step.kernel[1] - 1) * jump[1]],
    jump: [jump[0] * step.stride[0], jump[1] * step.stride[1]],
    image,
  };
}

/** How a layer is named in messages: its id, or its tower base for a lane. */
export function displayName(node: LayerNode): string {
  return node.tower ? node.tower.base : node.id;
}

