/** The library's one-call API: a network in, a figure or its numbers out. */
export { render, renderFigure, type RenderResult } from "./render.js";
export { check, summary, type CheckResult, type SummaryRequest } from "./check.js";
export { modelOf, type Model, type ModelInput, type InputOptions } from "./input.js";
export { FORMATS, FORMAT_NAMES, type FormatName, type FormatOutput } from "./formats.js";
export type { RenderRequest, FigureRequest, ActivationRequest, NumberLike } from "./request.js";
