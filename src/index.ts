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
export {
  layout,
  buildScene,
  pickNetwork,
  resolveOptions,
  styleRegistry,
  figureOf,
  STYLES,
  FIGURE_STYLES,
  type LayoutRequest,
  type LaidOutGraph,
  type SceneOptions,
  type FigureStyleModule,
  type LaidOut,
  type StyleRegistry,
  type FigureOfStyle,
} from "./styles/index.js";
export type { LaidOutBlocks, LaidOutNode, LaidOutEdge, LaidOutFrame } from "./layout/types.js";
export { executeNetwork, type Execution } from "./execute/numbers.js";
export { execute, inputTensors, weightSource, type ExecutionSetup, type ExecuteOptions } from "./execute/setup.js";
export { loadModel, readModel, analyzeModel, type LoadedModel, type ModelSource } from "./load/model.js";
export { findTemplate, listTemplates, type TemplateInfo } from "./load/templates.js";
export { selectNetworks } from "./analyze/network.js";
export { OptionError } from "./options/errors.js";
export { checkScene, type SceneProblem } from "./scene/check.js";
export { renderSvg, type SvgOptions } from "./render/svg.js";
export { renderTikz, type TikzOptions } from "./render/tikz.js";
export type { PptxOptions } from "./render/pptx.js";
export type { SceneLayer } from "./scene/types.js";
export { DEFAULT_OPTIONS, type RenderOptions, type RenderOverrides, type CameraOptions, type LabelKind } from "./options/figure.js";
export { THEME_NAMES, getTheme, type Theme } from "./themes/index.js";
export { importOnnx, type OnnxImport } from "./import/onnx/import.js";
export { floatData, type OnnxTensor } from "./import/onnx/decode.js";
export { render, renderFigure, check, summary, modelOf, FORMATS, FORMAT_NAMES, type RenderResult, type CheckResult, type SummaryRequest, type Model, type ModelInput, type InputOptions, type FormatName, type FormatOutput, type RenderRequest, type FigureRequest, type ActivationRequest, type NumberLike } from "./api/index.js";
export { isBuiltModel, type BuiltModel } from "./builder/index.js";
export { builderCode, type CodeOptions } from "./builder/codegen.js";

/** The scene as a one-slide PowerPoint file, grouped by layer; pptxgenjs loads on the first call, not with the library. */
export async function renderPptx(scene: import("./scene/types.js").Scene, options?: import("./render/pptx.js").PptxOptions): Promise<Uint8Array> {
  return (await import("./render/pptx.js")).renderPptx(scene, options);
}
