import { compileInto } from "../graph/compile.js";
import { DiagnosticBag } from "../lang/diagnostics.js";
import { parse } from "../lang/parser.js";
import { analyzeInto } from "./analyze.js";
import type { AnalyzedGraph } from "./types.js";

/**
 * Text to analysed graph: parse → compile → analyze. Compile and shape errors are
 * reported together, so one run shows every problem; throws NetfigError.
 */
export function analyzeSource(text: string, file = "<input>"): AnalyzedGraph {
  const source = parse(text, file);
  const diagnostics = new DiagnosticBag();
  const graph = compileInto(source, diagnostics);
  const analyzed = analyzeInto(graph, diagnostics);
  diagnostics.throwIfErrors();
  return analyzed;
}
