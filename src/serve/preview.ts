/**
 * What the preview page shows for the file as it is now: the figure with the page's
 * controls (theme, direction, width), the summary row of every drawn block, the command
 * line that makes the same figure, or the diagnostics of a broken edit.
 */

import { pickNetwork } from "../analyze/network.js";
import { compactNumber, formatBytes, groupDigits } from "../analyze/format.js";
import { displayName } from "../analyze/analyze.js";
import { summarize } from "../analyze/summary.js";
import { renderFigure } from "../api/render.js";
import { modelOf, type Model } from "../api/input.js";
import type { FormatName } from "../api/formats.js";
import type { RenderRequest } from "../api/request.js";
import { formatDiagnostic, isNetfigError } from "../lang/diagnostics.js";
import type { ModelSource } from "../load/model.js";
import { svgIdBase } from "../render/svg.js";
import { formatShape } from "../ops/shape.js";
import { OptionError } from "../options/errors.js";

/** The page's controls; each is one `render` flag. */
export interface Controls {
  network?: string;
  theme?: string;
  direction?: string;
  width?: string;
}

export const CONTROL_FLAGS: Record<keyof Controls, string> = { network: "--network", theme: "--theme", direction: "--direction", width: "--width" };

/** One block's summary row, as the page's tooltip prints it. */
export interface BlockRow {
  name: string;
  op: string;
  shape: string;
  params: string;
  macs: string;
  rf?: string;
  memory: string;
}

export type Preview =
  | { ok: true; svg: string; rows: Record<string, BlockRow>; command: string; choice?: string; networks: string[]; network: string }
  | { ok: false; error: string; command: string };

/** Quotes a word for a POSIX shell when it needs it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `netfig render FILE --theme mono -o FILE.svg`: the command that writes what the page shows. */
export function commandLine(file: string, controls: Controls, format: FormatName = "svg"): string {
  const words = ["netfig", "render", file];
  for (const key of Object.keys(CONTROL_FLAGS) as (keyof Controls)[]) {
    const value = controls[key];
    if (value) words.push(CONTROL_FLAGS[key], value);
  }
  words.push("-o", `${file.replace(/\.[^./]*$/, "")}.${format}`);
  return words.map(shellWord).join(" ");
}

/** A request with the controls set, the empty ones left to the file's figure settings. */
export function requestOf(controls: Controls, format: FormatName): RenderRequest {
  return {
    format,
    network: controls.network || undefined,
    theme: controls.theme || undefined,
    direction: (controls.direction || undefined) as RenderRequest["direction"],
    width: controls.width || undefined,
  };
}

/**
 * Each layer's row by the id its block's faces carry in the SVG (`block-face-ID`, made
 * by render/svg.ts's `svgIdBase`), tower lanes sharing their summed row.
 */
function rowsOf(model: Model, network?: string): Record<string, BlockRow> {
  const analyzed = pickNetwork(model.analyzed, network);
  const summary = summarize({ ...model.analyzed, networks: [analyzed] }).networks[0]!;
  const byName = new Map(summary.layers.map((row) => [row.name, row]));
  const rows: Record<string, BlockRow> = {};
  for (const layer of analyzed.layers) {
    const row = byName.get(displayName(layer.node));
    if (!row) continue;
    const id = svgIdBase(`block-face-${layer.node.id}`);
    rows[id] = {
      name: row.name,
      op: row.detail ? `${row.op} ${row.detail}` : row.op,
      shape: formatShape(row.shape),
      params: groupDigits(row.params),
      macs: compactNumber(row.macs),
      rf: row.rf === undefined ? undefined : `${row.rf}×${row.rf}`,
      memory: formatBytes(row.memory),
    };
  }
  return rows;
}

/** The model of a read source; its text is kept for quoting the lines diagnostics point at. */
export async function modelOfSource(source: ModelSource): Promise<Model> {
  return source.kind === "text" ? modelOf(source.text, { name: source.name }) : modelOf(source.bytes, { name: source.file });
}

/** Diagnostics as the command line prints them: file:line:col, the line, a caret, the hint. */
export function describeError(error: unknown, source: ModelSource): string | undefined {
  const sources = new Map(source.kind === "text" ? [[source.name, source.text]] : []);
  if (isNetfigError(error)) return error.diagnostics.map((d) => formatDiagnostic(d, sources)).join("\n");
  if (error instanceof OptionError) return `${CONTROL_FLAGS[error.option as keyof Controls] ?? `--${error.option}`}: ${error.message}`;
  return undefined;
}

/** The figure for the page, or the error to show above the last good one. */
export async function preview(source: ModelSource, file: string, controls: Controls): Promise<Preview> {
  const command = commandLine(file, controls);
  try {
    const model = await modelOfSource(source);
    const { output, choice } = await renderFigure(model, { ...requestOf(controls, "svg"), format: "svg" as const });
    const networks = model.analyzed.networks.map((n) => n.network.name);
    const network = pickNetwork(model.analyzed, controls.network || undefined).network.name;
    return { ok: true, svg: output, rows: rowsOf(model, network), command, choice, networks, network };
  } catch (error) {
    const message = describeError(error, source);
    if (message === undefined) throw error;
    return { ok: false, error: message, command };
  }
}

/** The figure in another format, for the page's download buttons; throws as `render` does. */
export async function download(source: ModelSource, controls: Controls, format: FormatName): Promise<string | Uint8Array> {
  return (await renderFigure(await modelOfSource(source), requestOf(controls, format))).output;
}

