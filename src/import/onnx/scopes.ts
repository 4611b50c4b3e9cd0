import type { LayerNode } from "../../graph/types.js";
import type { NodeProto } from "./decode.js";
import { LayerNamer } from "./naming.js";

/** `features.denseblock1.denselayer1.conv1.weight`: a PyTorch parameter name, module parts then the parameter's. */
const PARAMETER_NAME = /^[A-Za-z_][\w-]*(\.[\w-]+)+$/;

/**
 * Whether the node names carry no module scope: none is scoped (`/layer1/…/Conv`) or a
 * dotted path (netfig's own exports name nodes by layer id). Such a graph's modules are
 * derived from its parameters' names (`deriveModules`).
 */
export function unscopedNames(nodes: readonly NodeProto[]): boolean {
  return !nodes.some((n) => n.name?.startsWith("/") === true || n.name?.includes(".") === true);
}

/** Names that still tell the nodes apart (`Conv_12`, an old exporter's) are kept as ids; empty or repeated ones are not. */
export function distinctNames(nodes: readonly NodeProto[]): boolean {
  const seen = new Set<string>();
  for (const node of nodes) {
    const name = node.name ?? "";
    if (name === "" || seen.has(name)) return false;
    seen.add(name);
  }
  return true;
}

/**
 * Module paths for the layers of a graph whose node names carry none (all empty, all equal,
 * an old exporter's `Conv_12`), so that frames, and with them the direct layout, work as
 * they do for PyTorch's scoped names (`/features/denseblock1/denselayer1/conv1/Conv`).
 * Without frames a DenseNet is one flat graph that ELK takes a minute to lay out.
 *
 * A layer with parameters is in the module their names give (`layer1.0.conv1.weight` →
 * `layer1.0.conv1`): the names its node reads, not the initializers' (torch stores equal
 * initializers once, read through Identity nodes that give each its own name). A layer without (relu, concat, pooling, add) goes beside a neighbour,
 * into the module around it, where PyTorch's scopes put it:
 * - beside the inputs it alone reads: it is their module's last step (a relu after its
 *   norm, a pooling after a conv, ResNet's add after conv3 and the downsample, the relu
 *   after that add); past a chain of single-input steps, unless a series' next member
 *   follows, it stays only inside the modules the next layer with parameters is in too
 *   (a global pool after the last block is not in it);
 * - else beside the one layer with parameters it feeds: inputs shared with others gathered
 *   for it, its module's first step (DenseNet's concat before `norm1`);
 * - else beside its latest input if that has parameters (SiLU's sigmoid beside the norm),
 *   otherwise in the module around the next layer with parameters: a first step of what follows.
 * Layers come in execution order, so a layer's inputs are placed before it.
 *
 * Returns undefined when no layer reads a parameter with a module path in its name.
 */
export function deriveModules(layers: readonly LayerNode[], constantsRead: (layer: LayerNode) => readonly string[]): { modules: Map<string, string>; own: Set<string> } | undefined {
  const own = new Map<string, string>();
  for (const layer of layers) {
    const parameter = constantsRead(layer).find((name) => PARAMETER_NAME.test(name));
    if (parameter !== undefined) own.set(layer.id, parameter.slice(0, parameter.lastIndexOf(".")));
  }
  if (own.size === 0) return undefined;
  const byId = new Map(layers.map((l, i) => [l.id, { layer: l, index: i }]));
  // The one layer reading each output, or null when several do: looked up per input, not searched.
  const soleReader = new Map<string, string | null>();
  for (const layer of layers) {
    for (const input of layer.inputs) {
      const sole = soleReader.get(input);
      soleReader.set(input, sole === undefined || sole === layer.id ? layer.id : null);
    }
  }
  // The module around the next layer with parameters, in execution order.
  const following = new Map<string, string>();
  let upcoming = "";
  for (let i = layers.length - 1; i >= 0; i--) {
    following.set(layers[i]!.id, upcoming);
    const module = own.get(layers[i]!.id);
    if (module !== undefined) upcoming = parentOf(module);
  }
  const inSeries = seriesMembership(own.values());
  const modules = new Map<string, string>();
  const around = (id: string): string => {
    const module = own.get(id);
    return module !== undefined ? parentOf(module) : (modules.get(id) ?? "");
  };
  for (const layer of layers) {
    const module = own.get(layer.id);
    if (module !== undefined || layer.inputs.length === 0) {
      modules.set(layer.id, module ?? "");
      continue;
    }
    const ending = layer.inputs.filter((input) => soleReader.get(input) === layer.id);
    const reader = soleReader.get(layer.id);
    let beside: string;
    if (ending.length > 0) {
      const next = following.get(layer.id)!;
      // Past a chain of single-input steps the layer stays in a series member's module only
      // when the next layer with parameters is in a series member too (ShuffleNet's channel
      // shuffle before the next unit): a series is a Sequential, which runs no steps of its own.
      const stays = (input: string): boolean => own.has(input) || byId.get(input)!.layer.inputs.length > 1 || (inSeries(around(input)) && inSeries(next));
      beside = commonPrefix(ending.map((input) => (stays(input) ? around(input) : commonPrefix([around(input), next]))));
    } else if (reader && own.has(reader)) {
      beside = around(reader);
    } else {
      // Every input read elsewhere too, and read by no one layer with parameters: a step on
      // a layer's output beside its other readers (SiLU's sigmoid, x·σ(x)), else a first
      // step of what comes next (ShuffleNet's split of a unit's input).
      const latest = layer.inputs.reduce((a, b) => (byId.get(b)!.index > byId.get(a)!.index ? b : a));
      beside = own.has(latest) ? around(latest) : following.get(layer.id)!;
    }
    modules.set(layer.id, beside);
  }
  return { modules, own: new Set(own.keys()) };
}

/**
 * New ids for the layers of a graph whose node names told them apart by nothing: the module
 * path for a layer with parameters (`features.conv0`), the op in its module for one without
 * (`features.denseblock1.denselayer1.relu`), numbered when taken. Inputs keep their names.
 */
export function scopedIds(layers: readonly LayerNode[], derived: { modules: ReadonlyMap<string, string>; own: ReadonlySet<string> }): Map<string, string> {
  const namer = new LayerNamer(layers.filter((l) => l.inputs.length === 0).map((l) => l.id));
  const renamed = new Map<string, string>();
  for (const layer of layers) {
    if (layer.inputs.length === 0) continue;
    const id = namer.nameIn(derived.modules.get(layer.id) ?? "", derived.own.has(layer.id), layer.op);
    if (id !== layer.id) renamed.set(layer.id, id);
  }
  return renamed;
}

/**
 * Whether a module path lies inside a member of a numbered series (`stage3.0.branch1` in
 * `stage3`'s `stage3.0`, `stage3.1` …): two or more children of one parent whose names are
 * one stem and a number, among the modules that hold parameters.
 */
function seriesMembership(modules: Iterable<string>): (path: string) => boolean {
  const stems = new Map<string, Set<string>>();
  for (const module of modules) {
    const parts = module.split(".");
    for (let i = 0; i < parts.length; i++) {
      if (!/\d$/.test(parts[i]!)) continue;
      const key = `${parts.slice(0, i).join(".")}\u0000${parts[i]!.replace(/\d+$/, "")}`;
      const members = stems.get(key) ?? new Set<string>();
      members.add(parts[i]!);
      stems.set(key, members);
    }
  }
  return (path) => {
    const parts = path === "" ? [] : path.split(".");
    return parts.some((part, i) => /\d$/.test(part) && (stems.get(`${parts.slice(0, i).join(".")}\u0000${part.replace(/\d+$/, "")}`)?.size ?? 0) >= 2);
  };
}

/** The longest module path every path starts with: `layer1.0` for `layer1.0` and `layer1.0.downsample`. */
function commonPrefix(paths: readonly string[]): string {
  let common = paths[0]!.split(".");
  for (const path of paths.slice(1)) {
    const parts = path.split(".");
    let n = 0;
    while (n < common.length && n < parts.length && common[n] === parts[n]) n++;
    common = common.slice(0, n);
  }
  return common.join(".");
}

function parentOf(module: string): string {
  return module.slice(0, Math.max(0, module.lastIndexOf(".")));
}
