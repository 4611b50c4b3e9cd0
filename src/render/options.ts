import type { AttrValue, FigureSettings } from "../graph/types.js";
import { NetfigError } from "../lang/diagnostics.js";

/** Which labels a figure shows. */
export type LabelKind = "shape" | "name" | "channels" | "params";
export const LABEL_KINDS: readonly LabelKind[] = ["shape", "name", "channels", "params"];

export type ScaleKind = "log" | "linear" | "sqrt";
export type Direction = "right" | "down";
/**
 * How layers are drawn: tensor blocks, or neurons as circles (`auto` picks neurons for networks
 * of vectors and dense layers only); `arithmetic` draws one conv as input ∗ filter = output with
 * the engine's numbers in the cells, `receptive` each layer's receptive field on the input grid.
 */
export type FigureStyle = "auto" | "blocks" | "neurons" | "arithmetic" | "receptive";
export const FIGURE_STYLES: readonly FigureStyle[] = ["auto", "blocks", "neurons", "arithmetic", "receptive"];

/** How 3D blocks are projected onto the page. */
export interface CameraOptions {
  kind: "oblique" | "perspective";
  /** Angle of the receding axis above the horizontal, in degrees. */
  angle: number;
  /** Receding length per unit of depth (0.5 is the cabinet projection). */
  depth: number;
  /** Perspective only: the vanishing point as fractions of the figure (0,0 top left; may lie outside). */
  vanish: [number, number];
}

/** Every setting that shapes a figure, after merging defaults, `figure { }` blocks and flags. */
export interface RenderOptions {
  theme: string;
  direction: Direction;
  camera: CameraOptions;
  scale: ScaleKind;
  labels: LabelKind[];
  legend: boolean;
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
}

/** A partial set of options, as written in a `figure { }` block or given as flags. */
export type RenderOverrides = Partial<Omit<RenderOptions, "camera">> & { camera?: Partial<CameraOptions> };

export const DEFAULT_OPTIONS: RenderOptions = {
  theme: "paper",
  direction: "right",
  camera: { kind: "oblique", angle: 40, depth: 0.45, vanish: [0.5, -0.8] },
  scale: "log",
  labels: ["shape", "name"],
  legend: true,
  title: "",
  fold: true,
  foldRepeats: false,
  pyramids: false,
  style: "auto",
  bias: false,
  edges: "directed",
};

function fail(message: string, hint?: string): never {
  throw new NetfigError([{ severity: "error", message, hint }]);
}

function oneOf<T extends string>(key: string, value: AttrValue, allowed: readonly T[]): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  return fail(`figure: ${key} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`);
}

function bool(key: string, value: AttrValue): boolean {
  if (typeof value === "boolean") return value;
  if (value === "true" || value === "yes" || value === "on") return true;
  if (value === "false" || value === "no" || value === "off") return false;
  return fail(`figure: ${key} must be true or false, not ${JSON.stringify(value)}`);
}

function num(key: string, value: AttrValue, min: number, max: number): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n === "number" && Number.isFinite(n) && n >= min && n <= max) return n;
  return fail(`figure: ${key} must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`);
}

/** `labels` reads as a comma-separated list (`shape,name`), a list of words, or `none`. */
export function parseLabels(value: AttrValue): LabelKind[] {
  const words = Array.isArray(value) ? value.map(String) : typeof value === "string" ? value.split(/[\s,]+/) : null;
  if (words === null) return fail(`figure: labels must be a list such as shape,name or none`);
  const picked = words.filter((w) => w !== "");
  if (picked.length === 1 && picked[0] === "none") return [];
  for (const w of picked) {
    if (!(LABEL_KINDS as readonly string[]).includes(w)) {
      fail(`figure: unknown label kind "${w}"`, `use ${LABEL_KINDS.join(", ")} or none`);
    }
  }
  return LABEL_KINDS.filter((k) => picked.includes(k));
}

function parseVanish(value: AttrValue): [number, number] {
  const parts = Array.isArray(value) ? value : typeof value === "string" ? value.split(/[\s,]+/).map(Number) : [];
  if (parts.length === 2 && parts.every((p) => Number.isFinite(p))) return [parts[0]!, parts[1]!];
  return fail(`figure: vanish must be two numbers x,y (fractions of the figure), not ${JSON.stringify(value)}`);
}

/** Reads the raw `figure { }` settings this stage understands into typed overrides; bad values are errors. */
export function figureOverrides(settings: FigureSettings, themes: readonly string[]): RenderOverrides {
  const out: RenderOverrides = {};
  const camera: Partial<CameraOptions> = {};
  for (const [key, value] of Object.entries(settings)) {
    switch (key) {
      case "theme":
        out.theme = oneOf(key, value, themes);
        break;
      case "direction":
        out.direction = oneOf(key, value, ["right", "down"] as const);
        break;
      case "camera":
        camera.kind = oneOf(key, value, ["oblique", "perspective"] as const);
        break;
      case "angle":
        camera.angle = num(key, value, 5, 85);
        break;
      case "depth":
        camera.depth = num(key, value, 0.05, 2);
        break;
      case "vanish":
        camera.vanish = parseVanish(value);
        break;
      case "scale":
        out.scale = oneOf(key, value, ["log", "linear", "sqrt"] as const);
        break;
      case "labels":
        out.labels = parseLabels(value);
        break;
      case "legend":
        out.legend = bool(key, value);
        break;
      case "title":
        out.title = value === null || value === false ? "" : String(value);
        break;
      case "fold":
        out.fold = bool(key, value);
        break;
      case "foldRepeats":
        out.foldRepeats = bool(key, value);
        break;
      case "pyramids":
        out.pyramids = bool(key, value);
        break;
      case "style":
        out.style = oneOf(key, value, FIGURE_STYLES);
        break;
      case "bias":
        out.bias = bool(key, value);
        break;
      case "edges":
        out.edges = oneOf(key, value, ["directed", "undirected"] as const);
        break;
      default:
        // Settings for other stages (fonts, thumbnails, export) are theirs to read.
        break;
    }
  }
  if (Object.keys(camera).length > 0) out.camera = camera;
  return out;
}

/** Applies overrides in order: later ones win, camera fields merge one by one. */
export function mergeOptions(base: RenderOptions, ...layers: RenderOverrides[]): RenderOptions {
  let merged: RenderOptions = { ...base, camera: { ...base.camera }, labels: [...base.labels] };
  for (const layer of layers) {
    const { camera, ...rest } = layer;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) as Partial<RenderOptions>;
    merged = { ...merged, ...defined, camera: { ...merged.camera } };
    if (camera) {
      for (const [k, v] of Object.entries(camera)) {
        if (v !== undefined) (merged.camera as unknown as Record<string, unknown>)[k] = v;
      }
    }
  }
  return merged;
}
