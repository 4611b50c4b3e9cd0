import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { analyzeSource } from "../../src/pipeline.js";
import { summarize, type SummaryNetwork } from "../../src/analyze/summary.js";
import type { AnalyzedNetwork } from "../../src/analyze/types.js";
import { NetfigError, type Diagnostic } from "../../src/lang/diagnostics.js";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export function readProjectFile(path: string): string {
  return readFileSync(`${root}/${path}`, "utf8");
}

/** The analysed first network of a `.netfig` text. */
export function analyzeText(text: string): AnalyzedNetwork {
  return analyzeSource(text, "test.netfig").networks[0]!;
}

/** The summary (tower lanes added up) of a project file's first network. */
export function summaryOf(path: string): SummaryNetwork {
  return summarize(analyzeSource(readProjectFile(path), path)).networks[0]!;
}

/** The diagnostics a text produces; fails the test when it is valid. */
export function diagnosticsOf(text: string): Diagnostic[] {
  try {
    analyzeSource(text, "test.netfig");
  } catch (error) {
    if (error instanceof NetfigError) return error.diagnostics;
    throw error;
  }
  throw new Error("expected diagnostics, but the text is valid");
}

/** Output shape of a named layer. */
export function shapeOf(network: AnalyzedNetwork, id: string): number[] {
  const layer = network.layers.find((l) => l.node.id === id);
  if (!layer) throw new Error(`no layer ${id}`);
  return layer.shape;
}
