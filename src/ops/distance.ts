import { componentDistance, pairDistance, type DistanceMetric } from "../engine/kernels/distance.js";
import { ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ArgError, ShapeError, type OpDef, type Shape } from "./types.js";

export type DistanceAttrs = { metric: DistanceMetric; componentwise: boolean };

const METRICS: readonly DistanceMetric[] = ["l1", "l2", "cosine"];

/**
 * The distance or similarity of two tensors of one shape (a Siamese head): one number,
 * `F.pairwise_distance(a, b, p=1 or 2)` or `F.cosine_similarity(a, b)` over all elements;
 * `componentwise` keeps it per element, `|a − b|` (Koch et al., 2015) or `(a − b)²`.
 */
export const distance: OpDef<DistanceAttrs> = {
  name: "distance",
  aliases: ["similarity"],
  category: "merge",
  description: "distance of two inputs: l1, l2 or cosine (one number), componentwise |a−b| or (a−b)²: distance l1 from a, b",
  inputs: "many",
  compile(args) {
    const reader = new ArgReader(args, "distance");
    const metrics = METRICS.filter((m) => reader.flag(m));
    const componentwise = reader.flag("componentwise");
    reader.finish([...METRICS, "componentwise"]);
    if (metrics.length !== 1) throw new ArgError("distance needs one metric: l1, l2 or cosine", "write e.g. distance l1 from left, right");
    const metric = metrics[0]!;
    if (componentwise && metric === "cosine") throw new ArgError("a cosine similarity has no per-element form", "drop componentwise, or use l1 or l2", "componentwise");
    return { metric, componentwise };
  },
  outShape(inputs: Shape[], attrs) {
    if (inputs.length !== 2) throw new ShapeError(`distance compares two inputs, got ${inputs.length}`, "write distance l1 from a, b");
    const [a, b] = inputs as [Shape, Shape];
    if (writtenShape(a) !== writtenShape(b)) throw new ShapeError(`distance: ${writtenShape(a)} and ${writtenShape(b)} differ`, "compare two outputs of one shape (shared towers give them)");
    return attrs.componentwise ? [...a] : [1];
  },
  params: () => 0,
  macs: () => 0,
  describe: (attrs) => (attrs.componentwise ? `|a−b|${attrs.metric === "l2" ? "²" : ""}` : attrs.metric === "cosine" ? "cos" : attrs.metric.toUpperCase()),
  forward([a, b], attrs) {
    if (attrs.componentwise) return componentDistance(a!, b!, attrs.metric as "l1" | "l2");
    return pairDistance(a!, b!, attrs.metric);
  },
};
