/** `check` and `summary` as functions: the analysis as data, as the commands print it. */

import { selectNetworks } from "../analyze/network.js";
import { summarize, type Summary, type SummaryNetwork } from "../analyze/summary.js";
import { isNetfigError, type Diagnostic } from "../lang/diagnostics.js";
import { modelOf, type InputOptions, type ModelInput } from "./input.js";

export interface SummaryRequest extends InputOptions {
  /** Only this network of the file (default all). */
  network?: string;
}

export interface CheckResult {
  /** No errors: every shape checked. */
  ok: boolean;
  /** Errors and warnings, each with its file:line:col where the input has one. */
  diagnostics: Diagnostic[];
  /** Per network: its totals (params, MACs, memory) and layers; empty when invalid. */
  networks: SummaryNetwork[];
}

/** The per-layer table of every network (or the one asked for); throws NetfigError for invalid input. */
export async function summary(input: ModelInput, request: SummaryRequest = {}): Promise<Summary> {
  const { analyzed } = await modelOf(input, request);
  return summarize(selectNetworks(analyzed, request.network));
}

/** Checks every shape; invalid input is a result with its diagnostics, not an exception. */
export async function check(input: ModelInput, request: SummaryRequest = {}): Promise<CheckResult> {
  try {
    const model = await modelOf(input, request);
    const { networks } = summarize(selectNetworks(model.analyzed, request.network));
    return { ok: true, diagnostics: model.warnings, networks };
  } catch (error) {
    if (!isNetfigError(error)) throw error;
    return { ok: !error.diagnostics.some((d) => d.severity === "error"), diagnostics: error.diagnostics, networks: [] };
  }
}
