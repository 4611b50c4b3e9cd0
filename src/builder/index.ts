/**
 * The typed builder: a network written in TypeScript with the language's power, made
 * into the syntax tree the text would parse to and compiled by the same compiler (so the
 * graph, the numbers and the diagnostics are the text's; diagnostics point at the calls).
 */
export { layers, layer, chain, concat, add, Layer, Chain, type Line, type Branch, type Args, type LayerFunction } from "./elements.js";
export { block, repeat, towers, group, title, caption, defaults, figure, network, model, required, Block, type BlockFunction, type ModelOptions, type ParamDefault } from "./statements.js";
export { dims, text, value, Param, Arith, Dims, Text, type Value, type Settings } from "./values.js";
export { isBuiltModel, type BuiltModel } from "./model.js";
