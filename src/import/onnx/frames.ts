import type { Frame, LayerNode, Shape } from "../../graph/types.js";
import type { SourceLocation } from "../../lang/diagnostics.js";

/**
 * Frames from PyTorch module paths, so an imported model reads like a written one: ResNet's
 * `layer1` … `layer4` become groups of blocks `layer1.0`, `layer1.1` …, MobileNet's
 * `features.N` and DenseNet's `denselayerN` become blocks, and consecutive blocks of one
 * structure become instances of a repeat that `foldRepeats` draws once with `×N`.
 *
 * Only modules in a numbered series (`0`, `1` … or `denseblock1`, `denseblock2` …) make
 * frames: a series is what a figure shows as stages and blocks, while a lone module
 * (`features`, `classifier`) or one inside a block (`downsample`, `conv.0`) only adds a box.
 * A series member that holds a series itself is a group and is searched further; any other
 * member is a block, and nothing inside a block gets a frame. Modules outside a series are
 * searched at any depth.
 */
export function moduleFrames(nodes: LayerNode[], modules: ReadonlyMap<string, string>, shapes: ReadonlyMap<string, Shape | undefined>, loc: SourceLocation): Frame[] {
  const tree = moduleTree(nodes, modules);
  const taken = new Set(nodes.map((n) => n.id));
  const frames: Frame[] = [];
  // Module path → the frames a layer inside it is in, outermost first (a repeat, then the block).
  const framesOf = new Map<string, string[]>();
  // A frame takes its module's path as id unless a layer has it (ResNet's residual add is
  // `layer1.0` itself): ids of layers and frames share one namespace in the layout.
  // The next number to try per base, so that many frames of one name are claimed in linear time.
  const nextNumber = new Map<string, number>();
  const claim = (...candidates: string[]): string => {
    let unique = candidates.find((c) => !taken.has(c));
    let n = nextNumber.get(candidates[0]!) ?? 2;
    for (; unique === undefined; n++) if (!taken.has(`${candidates[0]}_${n}`)) unique = `${candidates[0]}_${n}`;
    nextNumber.set(candidates[0]!, n);
    taken.add(unique);
    return unique;
  };

  // Whether a module holds a series at any depth: ViT's is at `encoder.layers.encoder_layer_N`.
  const holdsSeries = new Map<string, boolean>();
  const seriesBelow = (path: string): boolean => {
    let known = holdsSeries.get(path);
    if (known === undefined) {
      known = seriesOf(tree, path).length > 0 || tree.get(path)!.children.some(seriesBelow);
      holdsSeries.set(path, known);
    }
    return known;
  };

  const visit = (path: string, parent: string | undefined): void => {
    const series = seriesOf(tree, path);
    const inSeries = new Set(series.flat());
    for (const child of tree.get(path)!.children) {
      // A container outside any series (`features`, `encoder.layers`) is searched without a frame of its own.
      if (!inSeries.has(child) && seriesBelow(child)) visit(child, parent);
    }
    for (const members of series) {
      const blocks: string[] = [];
      for (const child of members) {
        const id = claim(child, `${child}#frame`);
        const container = seriesOf(tree, child).length > 0;
        frames.push({ id, kind: container ? "group" : "block", label: shortName(child), parent, loc });
        framesOf.set(child, [id]);
        if (container) visit(child, id);
        else blocks.push(child);
      }
      for (const run of repeatRuns(blocks, nodes, modules, shapes)) markRepeat(run, path);
    }
  };

  const markRepeat = (run: string[], container: string): void => {
    const count = run.length;
    const parent = frames.find((f) => f.id === framesOf.get(run[0]!)![0])!.parent;
    // The container's own frame; a module searched without one (`features`) has none.
    const enclosing = frames.find((f) => f.id === framesOf.get(container)?.[0]);
    const inRun = (p: string): boolean => run.some((b) => p === b || p.startsWith(`${b}.`));
    // A group that is nothing but the run (ResNet-18's `layer1`) is the repeat itself,
    // as `layer1: repeat 2 basic(64)` would write it: one frame, labelled `layer1 ×2` (from its id, so only when the id is the path).
    const whole = enclosing?.id === container && [...modules.values()].every((p) => !(p === container || p.startsWith(`${container}.`)) || inRun(p));
    let group: string;
    if (whole) {
      enclosing.kind = "repeat";
      enclosing.label = `×${count}`;
      group = enclosing.id;
    } else {
      group = claim(container === "" ? "repeat" : `${container}.repeat`);
      frames.splice(frames.findIndex((f) => f.id === framesOf.get(run[0]!)![0]), 0, { id: group, kind: "repeat", label: `×${count}`, parent, loc });
    }
    run.forEach((block, index) => {
      const [id] = framesOf.get(block)!;
      const frame = frames.find((f) => f.id === id)!;
      frame.repeat = { index, count, group };
      if (!whole) {
        frame.parent = group;
        framesOf.set(block, [group, id!]);
      }
    });
  };

  visit("", undefined);
  for (const node of nodes) {
    const path = modules.get(node.id) ?? "";
    if (path === "") continue;
    const parts = path.split(".");
    node.frames = parts.flatMap((_, i) => framesOf.get(parts.slice(0, i + 1).join(".")) ?? []);
  }
  return frames;
}

interface Module {
  /** Child module paths in the order their first layer appears. */
  children: string[];
  /** Layers inside the module, at any depth. */
  size: number;
}

function moduleTree(nodes: readonly LayerNode[], modules: ReadonlyMap<string, string>): Map<string, Module> {
  const tree = new Map<string, Module>([["", { children: [], size: 0 }]]);
  for (const node of nodes) {
    const path = modules.get(node.id) ?? "";
    tree.get("")!.size++;
    if (path === "") continue;
    const parts = path.split(".");
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join(".");
      let module = tree.get(prefix);
      if (!module) {
        module = { children: [], size: 0 };
        tree.set(prefix, module);
        tree.get(parts.slice(0, i - 1).join("."))!.children.push(prefix);
      }
      module.size++;
    }
  }
  return tree;
}

/** The numbered series among a module's children: those of one stem (`layer`, `denseblock`, or bare numbers) with at least two layers each, two or more of them. */
function seriesOf(tree: ReadonlyMap<string, Module>, path: string): string[][] {
  const byStem = new Map<string, string[]>();
  for (const child of tree.get(path)!.children) {
    const name = child.slice(child.lastIndexOf(".") + 1);
    if (!/\d$/.test(name) || tree.get(child)!.size < 2) continue;
    const stem = name.replace(/\d+$/, "");
    byStem.set(stem, [...(byStem.get(stem) ?? []), child]);
  }
  return [...byStem.values()].filter((members) => members.length >= 2);
}

/** `layer3`, `layer3.0`, `denselayer4`, `features.7`: the last part, with the one before when the last is an index. */
function shortName(path: string): string {
  const parts = path.split(".");
  return parts.length > 1 && /^\d+$/.test(parts[parts.length - 1]!) ? parts.slice(-2).join(".") : parts[parts.length - 1]!;
}

/**
 * Runs of consecutive blocks that are the same layers: same ops, attributes and output
 * shapes, wired alike (inputs from outside a block are counted back from its first layer).
 * Folding draws a run's first block for all of them, so anything less would misdraw.
 */
function repeatRuns(blocks: readonly string[], nodes: readonly LayerNode[], modules: ReadonlyMap<string, string>, shapes: ReadonlyMap<string, Shape | undefined>): string[][] {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  // The layers of every block at once: a 5,000-layer graph has hundreds of blocks.
  const inBlock = new Map<string, { n: LayerNode; i: number }[]>(blocks.map((b) => [b, []]));
  nodes.forEach((n, i) => {
    const parts = (modules.get(n.id) ?? "").split(".");
    for (let k = 1; k <= parts.length; k++) inBlock.get(parts.slice(0, k).join("."))?.push({ n, i });
  });
  const span = (block: string): { start: number; end: number; signature: string } | undefined => {
    const members = inBlock.get(block)!;
    const start = members[0]!.i;
    const end = members[members.length - 1]!.i;
    // A block whose layers interleave with others' cannot be drawn as one instance.
    if (end - start + 1 !== members.length) return undefined;
    const signature = members.map(({ n }) => {
      const inputs = n.inputs.map((input) => {
        const at = index.get(input)!;
        return at >= start ? `${at - start}` : `ext${at - start}`;
      });
      // Attributes leave input channels implicit: the shapes coming in tell SqueezeNet's Fire(64, …) from Fire(128, …).
      const outside = n.inputs.filter((input) => index.get(input)! < start).map((input) => shapes.get(input) ?? null);
      return JSON.stringify([n.op, n.attrs, shapes.get(n.id) ?? null, inputs, outside]);
    });
    return { start, end, signature: signature.join("\n") };
  };
  const runs: string[][] = [];
  let run: string[] = [];
  let last: ReturnType<typeof span>;
  for (const block of blocks) {
    const current = span(block);
    const continues = current !== undefined && last !== undefined && current.start === last.end + 1 && current.signature === last.signature;
    if (!continues) {
      if (run.length >= 2) runs.push(run);
      run = [];
    }
    run.push(block);
    last = current;
  }
  if (run.length >= 2) runs.push(run);
  return runs;
}
