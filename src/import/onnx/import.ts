import { basename, extname } from "node:path";
import type { Graph, LayerNode } from "../../graph/types.js";
import type { Diagnostic } from "../../lang/diagnostics.js";
import { Attributes } from "./attributes.js";
import { ImportContext, type LayerWeights } from "./context.js";
import { decodeModel, elementCount, int, readTensor, tensorValues, DataType, type NodeProto, type OnnxTensor, type ValueInfoProto } from "./decode.js";
import { foldNode } from "./fold.js";
import { MAPPERS, unknown } from "./map.js";
import { findAttentionBlocks, visitBlock } from "./attention.js";
import { moduleFrames } from "./frames.js";
import { isChannelsLastInput } from "./layout.js";
import { parameterInputs } from "./parameters.js";
import { deriveModules, distinctNames, scopedIds, unscopedNames } from "./scopes.js";
import { trimCommonPrefix } from "./naming.js";
import { netfigShape, type Value } from "./values.js";

/** What an ONNX import hands on: the graph to analyse, plus what the engine needs to run it with the file's weights. */
export interface OnnxImport {
  graph: Graph;
  /** Unknown ops drawn as plain blocks, ignored attributes. */
  warnings: Diagnostic[];
  /** Initializers by name: dims, type and bytes (views into the decoded buffer, not copies). */
  initializers: Map<string, OnnxTensor>;
  /** Per layer id: which initializer holds which of its parameters (`weight`, `bias`, `running_mean`, …). */
  weights: Map<string, LayerWeights>;
  /** Per layer id: the ONNX tensor its output is, so dumps can use the model's own names. */
  tensorNames: Map<string, string>;
}

/** Shape-computation constants are tiny; weights are never decoded into numbers here. */
const MAX_FOLDED_ELEMENTS = 1024;

function declaredDims(info: ValueInfoProto): (number | null)[] | undefined {
  const dims = info.type?.tensorType?.shape?.dim;
  return dims?.map((d) => (int(d.dimValue) > 0 ? int(d.dimValue) : null));
}

/** A parameter given as a graph input: an initializer with dims and type but no values (the run seeds them, or `--weights` gives them). */
function parameterTensor(ctx: ImportContext, info: ValueInfoProto): OnnxTensor {
  const name = info.name ?? "";
  const dims = declaredDims(info);
  if (!dims || dims.some((d) => d === null)) {
    ctx.fail({ name, opType: "Input", output: [name] }, "is read as a parameter but has no fixed declared shape", "export with the parameters' shapes declared (torch.onnx.export declares them)");
  }
  return { name, dims: dims as number[], dataType: info.type?.tensorType?.elemType ?? DataType.FLOAT };
}

/**
 * ONNX model bytes → netfig Graph. Ops map to netfig layers with the attributes their own
 * `compile` gives, so `analyze` counts them exactly as it counts a written network. Throws
 * NetfigError naming the file (and the node) when the model cannot be read or sized.
 */
export function importOnnx(bytes: Uint8Array, file = "model.onnx"): OnnxImport {
  const model = decodeModel(bytes, file);
  const graph = model.graph!;
  const nodes = graph.node ?? [];
  const initializers = new Map<string, OnnxTensor>();
  for (const proto of graph.initializer ?? []) initializers.set(proto.name ?? "", readTensor(proto));
  const declared = new Map<string, (number | null)[]>();
  for (const info of [...(graph.valueInfo ?? []), ...(graph.output ?? [])]) {
    const dims = declaredDims(info);
    if (dims) declared.set(info.name ?? "", dims);
  }
  const consumers = new Map<string, NodeProto[]>();
  const producers = new Map<string, NodeProto>();
  for (const node of nodes) {
    for (const input of node.input ?? []) {
      const readers = consumers.get(input);
      if (readers) readers.push(node);
      else consumers.set(input, [node]);
    }
    for (const output of node.output ?? []) producers.set(output, node);
  }
  const ctx: ImportContext = new ImportContext(file, consumers, producers, declared, []);
  const graphInputs = (graph.input ?? []).filter((i) => !initializers.has(i.name ?? ""));
  const parameters = parameterInputs(graphInputs, consumers);
  for (const info of graphInputs.filter((i) => parameters.has(i.name ?? ""))) initializers.set(info.name!, parameterTensor(ctx, info));
  const inputs = graphInputs.filter((i) => !parameters.has(i.name ?? ""));
  if (parameters.size > 0) {
    const images = inputs.map((i) => `'${i.name}'`).join(", ");
    ctx.warnings.push({ severity: "warning", message: `${file}: ${parameters.size} graph inputs are parameters without values (an export_params=False export); the network's input is ${images}` });
  }
  for (const tensor of initializers.values()) {
    const small = elementCount(tensor.dims) <= MAX_FOLDED_ELEMENTS;
    const float = tensor.dataType === DataType.FLOAT || tensor.dataType === DataType.DOUBLE;
    ctx.values.set(tensor.name, { kind: "const", dims: tensor.dims, values: small ? tensorValues(tensor) : undefined, float, source: { tensor } });
  }
  for (const info of inputs) {
    const name = info.name ?? "input";
    const pseudo: NodeProto = { name, opType: "Input", output: [name] };
    const dims = declaredDims(info);
    if (!dims) ctx.fail(pseudo, "the graph input has no declared shape");
    const channelsLast = dims.length === 4 && isChannelsLastInput(info, consumers);
    const shape = netfigShape(channelsLast ? [dims[0]!, dims[3]!, dims[1]!, dims[2]!] : dims);
    if (!shape) {
      ctx.fail(pseudo, `input dims [${dims.map((d) => d ?? "?").join(", ")}] must be a batch then C,H,W, N or T,N, all fixed`, "export with a fixed input size; only the batch dimension may be symbolic");
    }
    const image = ctx.emit(pseudo, "input", { positional: [shape.length === 1 ? { kind: "number", value: shape[0]! } : { kind: "dims", dims: shape }], named: {}, flags: [] }, []);
    ctx.values.set(name, channelsLast ? { kind: "nhwc", base: image } : image);
  }
  ctx.blocks = findAttentionBlocks(ctx, nodes);
  for (const node of nodes) importNode(ctx, node);
  if (unscopedNames(nodes)) deriveScopes(ctx, distinctNames(nodes));
  return {
    graph: buildGraph(ctx, file),
    warnings: ctx.warnings,
    initializers,
    weights: ctx.weights,
    tensorNames: ctx.tensorNames,
  };
}

function importNode(ctx: ImportContext, node: NodeProto): void {
  const names = node.input ?? [];
  const values: (Value | undefined)[] = names.map((name) => {
    if (name === "") return undefined;
    const value = ctx.values.get(name);
    if (!value) ctx.fail(node, `reads '${name}', which no earlier node or initializer provides`, "the graph is not in topological order or refers to a missing tensor");
    return value;
  });
  const block = ctx.blocks.get(node);
  if (block) return visitBlock(ctx, block, node, values);
  const absorbed = ctx.absorbed.get(node);
  if (absorbed) {
    for (const name of node.output ?? []) ctx.values.set(name, absorbed);
    return;
  }
  const op = node.opType ?? "";
  const computed = values.some((v) => v !== undefined && v.kind !== "const");
  if (op === "Shape" || !computed) {
    const folded = foldNode(node, values);
    // A constant expression we cannot evaluate stays a constant of unknown contents; it only fails where it is needed.
    const outputs = folded ?? (node.output ?? []).map(() => ({ kind: "const" as const, dims: undefined, float: false }));
    (node.output ?? []).forEach((name, i) => outputs[i] && ctx.values.set(name, outputs[i]!));
    return;
  }
  const mapper = MAPPERS[op];
  // Ops of other domains (com.microsoft, custom) share names with standard ones but not their meaning.
  const standard = !node.domain || node.domain === "ai.onnx";
  const value = standard && mapper ? mapper(ctx, node, new Attributes(node)) : unknown(ctx, node);
  const outputs = Array.isArray(value) ? value : [value];
  outputs.forEach((v, i) => node.output?.[i] && ctx.values.set(node.output[i]!, v!));
}

/** Modules from the parameters' names when the node names carry none; new ids too when the names tell nothing apart. */
function deriveScopes(ctx: ImportContext, keepIds: boolean): void {
  const constantsRead = (layer: LayerNode): string[] => {
    const node = ctx.producers.get(ctx.tensorNames.get(layer.id) ?? "");
    return (node?.input ?? []).filter((name) => ctx.values.get(name)?.kind === "const");
  };
  const derived = deriveModules(ctx.nodes, constantsRead);
  if (!derived) return;
  for (const [id, module] of derived.modules) ctx.modules.set(id, module);
  if (keepIds) return;
  for (const node of ctx.nodes) if (node.inputs.length > 0) node.autoNamed = !derived.own.has(node.id);
  renameLayers(ctx, scopedIds(ctx.nodes, derived));
}

function renameLayers(ctx: ImportContext, renamed: ReadonlyMap<string, string>): void {
  const rename = (id: string) => renamed.get(id) ?? id;
  for (const node of ctx.nodes) {
    node.id = rename(node.id);
    node.inputs = node.inputs.map(rename);
    if (typeof node.attrs.target === "string" && node.attrs.target !== "") node.attrs = { ...node.attrs, target: rename(node.attrs.target) };
    if (typeof node.attrs.shares === "string") node.attrs = { ...node.attrs, shares: rename(node.attrs.shares) };
    if (typeof node.attrs.kv === "string") node.attrs = { ...node.attrs, kv: rename(node.attrs.kv) };
  }
  const moved: [Map<string, unknown>, string, unknown][] = [];
  for (const map of [ctx.weights, ctx.tensorNames, ctx.modules, ctx.shapes] as Map<string, unknown>[]) {
    for (const [id, value] of [...map]) {
      if (!renamed.has(id)) continue;
      map.delete(id);
      moved.push([map, rename(id), value]);
    }
  }
  // Set after every delete: a new id may be another layer's old one.
  for (const [map, id, value] of moved) map.set(id, value);
}

function buildGraph(ctx: ImportContext, file: string): Graph {
  const renamed = trimCommonPrefix(ctx.nodes.filter((n) => n.op !== "input").map((n) => n.id));
  renameLayers(ctx, renamed);
  // Module paths lose the prefix the ids lost: `model.layer1` frames as `layer1`.
  const [original, trimmed] = [...renamed][0] ?? ["", ""];
  const prefix = original.slice(0, original.length - trimmed.length);
  for (const [id, path] of ctx.modules) {
    if (prefix !== "" && (path === prefix.slice(0, -1) || path.startsWith(prefix))) ctx.modules.set(id, path.slice(prefix.length));
  }
  const frames = moduleFrames(ctx.nodes, ctx.modules, ctx.shapes, ctx.loc);
  const name = basename(file, extname(file));
  return { file, networks: [{ name, nodes: ctx.nodes, frames, figure: {}, loc: ctx.loc }], figure: {} };
}
