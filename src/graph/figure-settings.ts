import type { AttrValue, FigureSettings } from "./types.js";
import { excerpt, NetfigError } from "../lang/diagnostics.js";
import { LABEL_KINDS, LAYOUT_ENGINES, MAX_ROWS, type CameraOptions, type LabelKind, type RenderOverrides } from "../options/figure.js";

/**
 * Reads a `figure { }` block's raw settings into typed figure options; a bad value is an
 * error that names the key.
 */

/** A value as messages quote it, cut short: a setting may be a megabyte long. */
function quoted(value: AttrValue): string {
  return excerpt(JSON.stringify(value) ?? String(value));
}

function fail(message: string, hint?: string): never {
  throw new NetfigError([{ severity: "error", message, hint }]);
}

function oneOf<T extends string>(key: string, value: AttrValue, allowed: readonly T[]): T {
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  return fail(`figure: ${key} must be one of ${allowed.join(", ")}, not ${quoted(value)}`);
}

const TRUE_WORDS = ["true", "yes", "on"];
const FALSE_WORDS = ["false", "no", "off"];

function isBool(value: AttrValue): boolean {
  return typeof value === "boolean" || TRUE_WORDS.includes(String(value)) || FALSE_WORDS.includes(String(value));
}

function bool(key: string, value: AttrValue): boolean {
  if (typeof value === "boolean") return value;
  if (TRUE_WORDS.includes(String(value))) return true;
  if (FALSE_WORDS.includes(String(value))) return false;
  return fail(`figure: ${key} must be true or false, not ${quoted(value)}`);
}

function num(key: string, value: AttrValue, min: number, max: number): number {
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n === "number" && Number.isFinite(n) && n >= min && n <= max) return n;
  return fail(`figure: ${key} must be a number from ${min} to ${max}, not ${quoted(value)}`);
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
  return fail(`figure: vanish must be two numbers x,y (fractions of the figure), not ${quoted(value)}`);
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
        // `legend: right` places it; `legend: none` leaves it out, like `legend: false`.
        if (value === "bottom" || value === "right") {
          out.legend = true;
          out.legendAt = value;
        } else if (value === "none") out.legend = false;
        else if (isBool(value)) out.legend = bool(key, value);
        else fail(`figure: legend must be bottom, right, none, true or false, not ${quoted(value)}`);
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
        // Any word: the registered figure styles (src/styles/, a later stage) check the name.
        out.style = typeof value === "string" ? value : fail(`figure: style must be a style's name, not ${quoted(value)}`);
        break;
      case "bias":
        out.bias = bool(key, value);
        break;
      case "blockSize":
        out.blockSize = num(key, value, 0.25, 8);
        break;
      case "collapse":
        out.collapse = bool(key, value);
        break;
      case "terse":
        out.terse = bool(key, value);
        break;
      case "stackShapes":
        out.stackShapes = bool(key, value);
        break;
      case "compact":
        out.compact = bool(key, value);
        break;
      case "rows":
        out.rows = num(key, value, 1, MAX_ROWS);
        if (!Number.isInteger(out.rows)) fail(`figure: rows must be a whole number from 1 to ${MAX_ROWS}, not ${quoted(value)}`);
        break;
      case "layout":
        out.layout = oneOf(key, value, LAYOUT_ENGINES);
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

