import { getOp } from "../ops/index.js";
import type { Shape } from "../graph/types.js";
import type { AnalyzedGraph, AnalyzedNetwork, NetworkTotals } from "./types.js";
import { displayName } from "./analyze.js";

/** One row of the summary: a layer, or all lanes of a tower layer together. */
export interface SummaryLayer {
  name: string;
  op: string;
  inputs: string[];
  shape: Shape;
  params: number;
  macs: number;
  rf?: number;
  jump?: number;
  memory: number;
  /** Present for tower layers: how many lanes this row adds up (shape has their total channels). */
  towers?: number;
  /** Short text of the op's settings (`3×3/2`), for the table. */
  detail?: string;
  /** The layer whose parameters this one reuses; its params are counted there. */
  shares?: string;
  /** It reads only the weight matrix of `shares`; its `params` are its own others (an fc's bias). */
  tied?: boolean;
}

export interface SummaryNetwork {
  name: string;
  title?: string;
  inputs: Shape[];
  layers: SummaryLayer[];
  totals: NetworkTotals;
}

/** The `summary --json` structure; tower lanes are added up into one row per layer. */
export interface Summary {
  networks: SummaryNetwork[];
}

export function summarize(analyzed: AnalyzedGraph): Summary {
  return { networks: analyzed.networks.map(summarizeNetwork) };
}

function summarizeNetwork(analyzed: AnalyzedNetwork): SummaryNetwork {
  const rows: SummaryLayer[] = [];
  const towerRows = new Map<string, SummaryLayer>();
  const nameOf = new Map(analyzed.layers.map((l) => [l.node.id, displayName(l.node)]));
  for (const layer of analyzed.layers) {
    const { node } = layer;
    const inputs = [...new Set(node.inputs.map((id) => nameOf.get(id) ?? id))];
    const existing = node.tower ? towerRows.get(node.tower.base) : undefined;
    if (existing) {
      existing.shape = [...existing.shape.slice(0, -1), existing.shape.at(-1)! + layer.shape.at(-1)!];
      existing.params += layer.params;
      existing.macs += layer.macs;
      existing.memory += layer.memory;
      existing.inputs = [...new Set([...existing.inputs, ...inputs])];
      continue;
    }
    const op = getOp(node.op);
    const row: SummaryLayer = {
      name: displayName(node),
      op: node.op,
      inputs,
      shape: [...layer.shape],
      params: layer.params,
      macs: layer.macs,
      memory: layer.memory,
    };
    if (layer.rf !== undefined) {
      row.rf = layer.rf;
      row.jump = layer.jump;
    }
    if (node.tower) {
      row.towers = node.tower.count;
      towerRows.set(node.tower.base, row);
    }
    const detail = op.describe?.(node.attrs);
    if (detail) row.detail = detail;
    if (layer.shares) row.shares = nameOf.get(layer.shares) ?? layer.shares;
    if (layer.tied) row.tied = true;
    rows.push(row);
  }
  const network = analyzed.network;
  const summary: SummaryNetwork = {
    name: network.name,
    inputs: analyzed.layers.filter((l) => getOp(l.node.op).category === "input").map((l) => [...l.shape]),
    layers: rows,
    totals: { ...analyzed.totals },
  };
  if (network.title !== undefined) summary.title = network.title;
  return summary;
}

/** JSON for `summary --json`: exactly the documented fields, `detail` left out. */
export function summaryJson(summary: Summary): string {
  const plain = {
    networks: summary.networks.map((n) => ({
      name: n.name,
      ...(n.title !== undefined ? { title: n.title } : {}),
      inputs: n.inputs,
      layers: n.layers.map(({ detail: _detail, ...row }) => row),
      totals: n.totals,
    })),
  };
  return JSON.stringify(plain, null, 2) + "\n";
}
