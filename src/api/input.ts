/**
 * What `render`, `check` and `summary` accept, brought to one analysed model: `.netfig`
 * text, ONNX bytes, a compiled or analysed graph, a builder's network, or a model the
 * loader read from a file. Nothing here touches the file system, so the browser build
 * shares it.
 */

import { analyze, analyzeInto } from "../analyze/analyze.js";
import { analyzeSource } from "../analyze/source.js";
import type { AnalyzedGraph } from "../analyze/types.js";
import { isBuiltModel, type BuiltModel } from "../builder/model.js";
import { compileInto } from "../graph/compile.js";
import type { Graph } from "../graph/types.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { DiagnosticBag, type Diagnostic } from "../lang/diagnostics.js";

/** An analysed model, its ONNX import when it came from one, and what loading warned about. */
export interface Model {
  analyzed: AnalyzedGraph;
  onnx?: OnnxImport;
  warnings: Diagnostic[];
}

export type ModelInput = string | Uint8Array | ArrayBuffer | Graph | AnalyzedGraph | BuiltModel | Model;

export interface InputOptions {
  /** The name diagnostics use for text or ONNX bytes (default `<input>` / `model.onnx`). */
  name?: string;
}

function isModel(input: object): input is Model {
  return "analyzed" in input && "warnings" in input;
}

function isAnalyzed(input: Graph | AnalyzedGraph): input is AnalyzedGraph {
  return input.networks.every((n) => "layers" in n && "totals" in n);
}

/** Compiles and analyses a builder's network, all errors at once, as text's are. */
function analyzeBuilt(model: BuiltModel): AnalyzedGraph {
  const diagnostics = new DiagnosticBag();
  const analyzed = analyzeInto(compileInto(model.source, diagnostics), diagnostics);
  diagnostics.throwIfErrors();
  return analyzed;
}

/** The input as an analysed model; throws NetfigError when it is invalid. */
export async function modelOf(input: ModelInput, options: InputOptions = {}): Promise<Model> {
  if (typeof input === "string") return { analyzed: analyzeSource(input, options.name ?? "<input>"), warnings: [] };
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) {
    // protobufjs loads only for ONNX models.
    const { importOnnx } = await import("../import/onnx/import.js");
    const onnx = importOnnx(input instanceof Uint8Array ? input : new Uint8Array(input), options.name ?? "model.onnx");
    return { analyzed: analyze(onnx.graph), onnx, warnings: onnx.warnings };
  }
  if (isBuiltModel(input)) return { analyzed: analyzeBuilt(input), warnings: [] };
  if (isModel(input)) return input;
  if (typeof input === "object" && input !== null && Array.isArray((input as Graph).networks)) {
    return { analyzed: isAnalyzed(input) ? input : analyze(input), warnings: [] };
  }
  throw new TypeError("netfig: expected .netfig text, ONNX bytes, a graph, or a network from the builder");
}
