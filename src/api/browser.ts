/**
 * The browser build's entry (`netfig/browser`, one ES module made by scripts/build-browser.mjs):
 * the one-call API and the builder, without the file system. Text is measured with the
 * bundled fonts' metrics, so an SVG made here is byte-identical to Node's. PDF and PNG,
 * activations and reading files need the Node package.
 */
export { render, renderFigure, type RenderResult } from "./render.js";
export { check, summary, type CheckResult, type SummaryRequest } from "./check.js";
export { modelOf, type Model, type ModelInput, type InputOptions } from "./input.js";
export { FORMAT_NAMES, type FormatName } from "./formats.js";
export type { RenderRequest, FigureRequest } from "./request.js";
export * from "../builder/index.js";
export { builderCode } from "../builder/codegen.js";
export { parse } from "../lang/parser.js";
export { NetfigError, formatDiagnostic, type Diagnostic, type SourceLocation } from "../lang/diagnostics.js";
export { OptionError } from "../options/errors.js";
