import type { LayerNode, Network, Shape } from "../graph/types.js";

/** What the analysis knows about one layer. */
export interface LayerAnalysis {
  node: LayerNode;
  inputShapes: Shape[];
  /** Output shape: `[H, W, C]`, `[N]` or `[T, N]`. */
  shape: Shape;
  /** Trainable parameters as PyTorch counts them (BN gamma/beta, not running stats). */
  params: number;
  /** Multiply-accumulates of conv, transposed conv, fc and recurrent layers. */
  macs: number;
  /** Receptive field (pixels of the input) and jump (effective stride); absent for non-spatial data. */
  rf?: number;
  jump?: number;
  /** Output activation memory in bytes (elements × 4, forward only). */
  memory: number;
  /** The layer whose parameters this one reuses (`shares=`); its own `params` are then 0. */
  shares?: string;
  /** It reads only the weight matrix of `shares` (a transposed fc, an fc on an embedding's table); its other parameters are its own, counted in `params`. */
  tied?: boolean;
}

export interface NetworkTotals {
  params: number;
  macs: number;
  memory: number;
}

export interface AnalyzedNetwork {
  network: Network;
  /** Same order as `network.nodes`. */
  layers: LayerAnalysis[];
  totals: NetworkTotals;
}

export interface AnalyzedGraph {
  file: string;
  networks: AnalyzedNetwork[];
  figure: Network["figure"];
}
