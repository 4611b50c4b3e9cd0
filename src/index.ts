// The library entry: every pipeline stage as a pure function on plain data.
export { parse } from "./lang/parser.js";
export { compile } from "./graph/compile.js";
export { analyze } from "./analyze/analyze.js";
export { summarize, summaryJson } from "./analyze/summary.js";
export { formatSummary } from "./analyze/format.js";
export { NetfigError, formatDiagnostic, type Diagnostic, type SourceLocation } from "./lang/diagnostics.js";
export { ops, findOp, getOp } from "./ops/index.js";
export type { Graph, Network, LayerNode, Frame, Shape, FigureSettings } from "./graph/types.js";
export type { AnalyzedGraph, AnalyzedNetwork, LayerAnalysis, NetworkTotals } from "./analyze/types.js";
export type { Summary, SummaryNetwork, SummaryLayer } from "./analyze/summary.js";
export type { OpDef } from "./ops/types.js";
export type { Scene, Primitive } from "./scene/types.js";
export { analyzeSource } from "./pipeline.js";
