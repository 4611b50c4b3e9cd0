import type { AnalyzedNetwork, LayerAnalysis } from "../../analyze/types.js";
import { LayerWeights, readPlan } from "../../execute/run.js";
import type { WeightSource } from "../../engine/weights.js";
import type { Shape } from "../../graph/types.js";
import { getOp } from "../../ops/index.js";
import { cannotExport, channelAxis, GraphBuilder, type LayerExport } from "./builder.js";
import { EXPORTS } from "./ops/index.js";
import { OPSET } from "./opset.js";
import { encodeModel, valueInfo, type ValueInfoProto } from "./proto.js";

/** IR version 8 (ONNX 1.10): what onnxruntime and Netron read for opset 14. */
const IR_VERSION = 8;

export interface ExportOptions {
  /** Where the parameters come from: `SeededWeights(seed)` gives exactly `netfig run --seed`'s. */
  weights: WeightSource;
  /** A fixed batch size, or a name for a symbolic batch dimension (`batch`). */
  batch?: number | string;
  /** Written as the model's producer_version (the netfig version). */
  version?: string;
}

/** ONNX dims of a netfig shape with the batch first: NCHW for images, [batch, N], [batch, T, N]. */
function onnxDims(shape: Shape, batch: number | string): (number | string)[] {
  return shape.length === 3 ? [batch, shape[2]!, shape[0]!, shape[1]!] : [batch, ...shape];
}

/** Why a layer kind has no ONNX form, for the error. */
function unsupported(layer: LayerAnalysis): Error {
  const op = layer.node.op;
  if (op === "opaque") return cannotExport(layer, `netfig knows ${String(layer.node.attrs.type)} only by name and shape, not what it computes`);
  return cannotExport(layer, `${op} has no ONNX mapping`);
}

/**
 * An analysed network as an ONNX model (bytes): one graph input per `input` layer, one
 * graph output per layer nothing reads, every layer's output named by its id with its
 * shape declared, parameters as initializers under PyTorch's state-dict names. The
 * weights are fetched exactly as `runNetwork` fetches them, so onnxruntime's outputs
 * equal the engine's. The same network and weights give the same bytes.
 */
export function exportOnnx(analyzed: AnalyzedNetwork, options: ExportOptions): Uint8Array {
  const batch = options.batch ?? 1;
  const plan = readPlan(analyzed);
  const g = new GraphBuilder();
  const inputs: ValueInfoProto[] = [];
  const infos: ValueInfoProto[] = [];
  const outputs: ValueInfoProto[] = [];
  /** Concatenations already written, by the tensors they join: lanes of a `cross` layer read the same one. */
  const joined = new Map<string, string>();
  const join = (ids: string[], name: string, shape: Shape) => {
    const key = ids.join("\n");
    if (!joined.has(key)) joined.set(key, g.node("Concat", ids, name, { axis: channelAxis(shape) }, { shape }));
    return joined.get(key)!;
  };
  /** Channel-mixing layers in towers, run once over all lanes: tower base → that output. */
  const mixed = new Map<string, string>();

  for (const layer of analyzed.layers) {
    const { node } = layer;
    const op = getOp(node.op);
    const dims = onnxDims(layer.shape, batch);
    if (op.inputs === "none") {
      inputs.push(valueInfo(node.id, dims));
      continue;
    }
    const write = EXPORTS[node.op];
    if (!write || !op.forward) throw unsupported(layer);
    const tied = layer.tied === true;
    const owner = tied ? node.id : (layer.shares ?? node.id);
    const params = { layer: owner, weights: new LayerWeights(options.weights, layer), inputShapes: layer.inputShapes, reluFollows: plan.reluFollows(layer.shares ?? node.id), ...(tied && { tiedTo: layer.shares }) };
    // A layer sharing another's parameters (`shares=`) reads the owner's initializers: one copy.
    g.shareParameters(layer.shares && !tied ? { from: node.id, to: layer.shares } : undefined);
    const single = op.inputs === "one" && node.inputs.length > 1;
    const reads = single ? [join(node.inputs, `${node.id}/concat`, layer.inputShapes[0]!)] : node.inputs;
    if (node.tower && op.mixesChannels) {
      // As the engine runs it: over every lane's channels together, then this lane's share.
      const { base, index, count } = node.tower;
      if (!mixed.has(base)) {
        const lanes = plan.lanes.get(base)!;
        const whole: Shape = [...layer.shape.slice(0, -1), layer.shape[layer.shape.length - 1]! * count];
        const all = join(lanes.map((id) => plan.inputsOf.get(id)![0]!), `${base}/lanes`, whole);
        const shared: LayerExport = { layer: { ...layer, inputShapes: [whole], shape: whole }, inputs: [all], output: `${base}/all`, params };
        write(g, shared);
        g.shapes.set(shared.output, whole);
        mixed.set(base, shared.output);
      }
      const c = layer.shape[layer.shape.length - 1]!;
      const axis = channelAxis(layer.shape);
      const bounds = (name: string, values: number[]) => g.ints(`${node.id}/${name}`, values);
      g.node("Slice", [mixed.get(base)!, bounds("starts", [index * c]), bounds("ends", [(index + 1) * c]), bounds("axes", [axis])], node.id);
    } else {
      write(g, { layer, inputs: reads, output: node.id, params });
    }
    (plan.consumers.has(node.id) ? infos : outputs).push(valueInfo(node.id, dims));
  }

  for (const [name, shape] of g.shapes) infos.push(valueInfo(name, onnxDims(shape, batch)));
  const { network } = analyzed;
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "netfig",
    producerVersion: options.version ?? "",
    graph: {
      name: network.name,
      docString: network.title ?? "",
      node: g.nodes,
      initializer: g.initializers,
      input: inputs,
      output: outputs,
      valueInfo: infos,
    },
  });
}
