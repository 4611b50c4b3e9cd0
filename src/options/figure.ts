/**
 * The figure options every stage may read: what a `figure { }` block and the command line
 * can set, their defaults, and how layers of overrides merge. Imports only geometry.
 */
import type { CameraOptions } from "../geometry/types.js";

export type { CameraOptions } from "../geometry/types.js";

/** Which labels a figure shows. */
export type LabelKind = "shape" | "name" | "channels" | "params";
export const LABEL_KINDS: readonly LabelKind[] = ["shape", "name", "channels", "params"];

export type ScaleKind = "log" | "linear" | "sqrt";
export type Direction = "right" | "down";
/**
 * How layers are drawn: `auto`, or the name of a registered figure style (src/styles/index.ts
 * `STYLES`, whose names `FIGURE_STYLES` there lists): tensor blocks, neurons as circles,
 * a recurrent network unrolled, one conv's arithmetic, receptive fields. `auto` takes the
 * first style in registry order that may be picked automatically and fits the network.
 * The figure styles check the name, since only they know the registered ones.
 */
export type FigureStyle = string;

/** Every setting that shapes a figure, after merging defaults, `figure { }` blocks and flags. */
export interface RenderOptions {
  theme: string;
  direction: Direction;
  camera: CameraOptions;
  scale: ScaleKind;
  labels: LabelKind[];
  legend: boolean;
  /** Where the legend goes: wrapped below the figure, or in a column to its right. */
  legendAt: "bottom" | "right";
  /** Figure title; empty means none. */
  title: string;
  /** Fold activations, normalisation and dropout into the block they follow. */
  fold: boolean;
  /** Draw each `repeat` once with a `×N` badge. */
  foldRepeats: boolean;
  /** Draw kernel pyramids between blocks (the AlexNet figure). */
  pyramids: boolean;
  style: FigureStyle;
  /** Neuron style: draw a bias unit (+1) feeding each dense layer. */
  bias: boolean;
  /** Neuron style: undirected connections (RBMs, DBNs) are drawn without arrow heads. */
  edges: "directed" | "undirected";
  /** Blocks: each module (an Inception module, a residual block) drawn as one block named after it. */
  collapse: boolean;
  /** Blocks: the spatial size written only where it changes (channel counts elsewhere), no kernel details. */
  terse: boolean;
  /** Blocks: a shape label in two lines, the spatial size over the channels (`570²` over `64`), so a dense row of blocks has room for its labels. */
  stackShapes: boolean;
  /** Blocks: every block's size relative to the scale's (1); larger blocks print bigger beside the same text. */
  blockSize: number;
  /** Blocks: runs of one spatial size drawn as slabs face to face, one label per run (PlotNeuralNet's look). */
  compact: boolean;
  /** Blocks: break the chain into this many rows (columns when flowing down). */
  rows: number;
  /** Blocks: which layout places them; `auto` is the direct layout where it applies, ELK elsewhere. */
  layout: LayoutEngine;
}

export type LayoutEngine = "auto" | "direct" | "elk";
export const LAYOUT_ENGINES: readonly LayoutEngine[] = ["auto", "direct", "elk"];
/** More rows than this is never what a figure wants (and keeps `rows 1e9` from costing anything). */
export const MAX_ROWS = 24;

/** A partial set of options, as written in a `figure { }` block or given as flags. */
export type RenderOverrides = Partial<Omit<RenderOptions, "camera">> & { camera?: Partial<CameraOptions> };

export const DEFAULT_OPTIONS: RenderOptions = {
  theme: "paper",
  direction: "right",
  camera: { kind: "oblique", angle: 40, depth: 0.45, vanish: [0.5, -0.8] },
  scale: "log",
  labels: ["shape", "name"],
  legend: true,
  legendAt: "bottom",
  title: "",
  fold: true,
  foldRepeats: false,
  pyramids: false,
  style: "auto",
  bias: false,
  edges: "directed",
  blockSize: 1,
  terse: false,
  stackShapes: false,
  collapse: false,
  compact: false,
  rows: 1,
  layout: "auto",
};

/** The entries of `values` that are set: an undefined one leaves what it would override alone. */
export function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Applies overrides in order: later ones win, camera fields merge one by one. */
export function mergeOptions(base: RenderOptions, ...layers: RenderOverrides[]): RenderOptions {
  let merged: RenderOptions = { ...base, camera: { ...base.camera }, labels: [...base.labels] };
  for (const layer of layers) {
    const { camera, ...rest } = layer;
    merged = { ...merged, ...definedOnly(rest), camera: { ...merged.camera } };
    if (camera) {
      for (const [k, v] of Object.entries(camera)) {
        if (v !== undefined) (merged.camera as unknown as Record<string, unknown>)[k] = v;
      }
    }
  }
  return merged;
}
