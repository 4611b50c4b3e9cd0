import { formatShape } from "../ops/shape.js";
import type { Summary, SummaryNetwork } from "./summary.js";

/** `1,814,073,344` */
export function groupDigits(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `118.0M`, `1.814G`, `61.7k`: four significant digits, for table columns. */
export function compactNumber(n: number): string {
  if (n === 0) return "0";
  const units: [number, string][] = [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  for (const [scale, unit] of units) {
    if (Math.abs(n) >= scale) return `${(n / scale).toPrecision(4)}${unit}`;
  }
  return String(n);
}

/** `1.23 MB` for byte counts. */
export function formatBytes(bytes: number): string {
  const units: [number, string][] = [[1024 ** 3, "GiB"], [1024 ** 2, "MiB"], [1024, "KiB"]];
  for (const [scale, unit] of units) {
    if (bytes >= scale) return `${(bytes / scale).toFixed(1)} ${unit}`;
  }
  return `${bytes} B`;
}

/** Shortens text to `width` characters with an ellipsis in the middle, keeping both ends readable. */
function fit(text: string, width: number): string {
  if (text.length <= width) return text;
  const keep = width - 1;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (keep - head))}`;
}

interface Column {
  title: string;
  width: number;
  align: "left" | "right";
}

const COLUMNS: Column[] = [
  { title: "Layer", width: 19, align: "left" },
  { title: "Kind", width: 17, align: "left" },
  { title: "Output", width: 13, align: "right" },
  { title: "Params", width: 11, align: "right" },
  { title: "MACs", width: 9, align: "right" },
  { title: "RF", width: 5, align: "right" },
];

function row(cells: string[]): string {
  return cells
    .map((cell, i) => {
      const column = COLUMNS[i]!;
      const text = fit(cell, column.width);
      return column.align === "left" ? text.padEnd(column.width) : text.padStart(column.width);
    })
    .join(" ")
    .trimEnd();
}

/** The per-layer table of one network, Keras/torchinfo style, within 80 columns. */
export function formatNetworkTable(network: SummaryNetwork): string {
  const ruleWidth = COLUMNS.reduce((w, c) => w + c.width, 0) + COLUMNS.length - 1;
  const lines = [network.title && network.title !== network.name ? `${network.name} — ${network.title}` : network.name, "=".repeat(ruleWidth)];
  lines.push(row(COLUMNS.map((c) => c.title)));
  lines.push("-".repeat(ruleWidth));
  for (const layer of network.layers) {
    const kind = [layer.op, layer.detail].filter(Boolean).join(" ") + (layer.towers ? ` ×${layer.towers}` : "");
    // A layer reusing another's parameters (`shares=`) says so; they are counted at the owner.
    // One that reads only the owner's weight matrix (tied) has its other parameters, its bias.
    const params = layer.shares === undefined ? groupDigits(layer.params) : layer.tied && layer.params > 0 ? `${groupDigits(layer.params)}+tied` : "shared";
    lines.push(row([layer.name, kind, formatShape(layer.shape), params, compactNumber(layer.macs), layer.rf === undefined ? "-" : String(layer.rf)]));
  }
  lines.push("=".repeat(ruleWidth));
  const { params, macs, memory } = network.totals;
  lines.push(`Total parameters:   ${groupDigits(params)}`);
  lines.push(`Total MACs:         ${groupDigits(macs)} (${compactNumber(macs)}; FLOPs ≈ 2×MACs)`);
  lines.push(`Activation memory:  ${formatBytes(memory)} (forward, float32)`);
  return lines.join("\n");
}

export function formatSummary(summary: Summary): string {
  return summary.networks.map(formatNetworkTable).join("\n\n") + "\n";
}

/** The one-line `check` verdict per network. */
export function formatCheckLine(network: SummaryNetwork): string {
  return `${network.name}: OK — ${network.layers.length} layers, ${groupDigits(network.totals.params)} params, ${compactNumber(network.totals.macs)} MACs`;
}
