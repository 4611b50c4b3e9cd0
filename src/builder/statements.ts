/**
 * Statements that hold lines: repeats, towers, groups, blocks, networks, and the settings
 * statements (title, caption, defaults, figure); and `model()`, which assembles a file
 * with the definitions of every block its lines call.
 */

import type { BlockDefinition, BlockParam, CallElement, FigureEntry, Statement } from "../lang/ast.js";
import { argsOf, callTargets, Layer, statementOf, type Args, type BlockRef, type Line } from "./elements.js";
import { callSite } from "./location.js";
import type { BuiltModel } from "./model.js";
import { exprOf, Param, type Settings, type Value } from "./values.js";

/** A statement line; repeats, towers and groups take a name with `as`. */
export class Block {
  constructor(readonly statement: Statement) {}
  as(name: string): Block {
    return new Block({ ...this.statement, name } as Statement);
  }
}

function linesOf(body: Line | readonly Line[]): Statement[] {
  return Array.isArray(body) ? (body as readonly Line[]).map(statementOf) : [statementOf(body as Line)];
}

/** `repeat N { … }`, or `repeat N block(args)` when the body is one block call (its instances numbered `.0`, `.1`, …). */
export function repeat(count: Value, body: Line | readonly Line[]): Block {
  const loc = callSite(6);
  return new Block({ type: "repeat", count: exprOf(count, loc), body: linesOf(body), loc });
}

/** `towers N { … }`: N lanes, channel counts split; `cross` layers read every lane. */
export function towers(count: Value, body: readonly Line[]): Block {
  const loc = callSite(6);
  return new Block({ type: "towers", count: exprOf(count, loc), body: linesOf(body), loc });
}

/** `name: { … }`: a named group, drawn as a frame; block calls inside are numbered. */
export function group(name: string, body: readonly Line[]): Block {
  const loc = callSite(5);
  return new Block({ type: "group", name, body: linesOf(body), loc });
}

export function title(text: string): Block {
  return new Block({ type: "title", text, loc: callSite(5) });
}

export function caption(text: string): Block {
  return new Block({ type: "caption", text, loc: callSite(7) });
}

/** `defaults conv bias=false`: settings every later layer of that kind in this scope starts from. */
export function defaults(kind: string, settings: Settings): Block {
  const loc = callSite(8);
  return new Block({ type: "defaults", op: kind, opLoc: loc, args: argsOf([settings], loc), loc });
}

/** `figure { key: value }`: the figure settings of docs/language.md. */
export function figure(settings: Settings): Block {
  const loc = callSite(6);
  const entries = Object.entries(settings).map(([key, v]): FigureEntry => ({ key, value: exprOf(v, loc), loc }));
  return new Block({ type: "figure", entries, loc });
}

/** A parameter's default: a value, or one made from earlier parameters (`({ c }) => c.times(4)`). */
export type ParamDefault<P extends string> = Value | ((params: Record<P, Param>) => Value);

/** Marks a parameter every call must give. */
export const required: unique symbol = Symbol("required");

/** A block as a function: positional arguments, then optionally named ones (`basic(64, { s: 2 })`). */
export interface BlockFunction {
  (...args: Args): Layer;
  readonly blockName: string;
}

interface BuilderBlock extends BlockRef {
  definition(): BlockDefinition;
}

/**
 * `block name(params) { … }`: `body` gets each parameter as a Param (arithmetic with
 * `c.times(4)`), and its lines are the block's; each call is one instance, framed and
 * scoped like the text's.
 */
export function block<P extends string>(name: string, params: Record<P, ParamDefault<P> | typeof required>, body: (params: Record<P, Param>) => Line | readonly Line[]): BlockFunction {
  const loc = callSite(5);
  const names = Object.keys(params) as P[];
  const bound = Object.fromEntries(names.map((p) => [p, new Param(p)])) as Record<P, Param>;
  let definition: BlockDefinition | undefined;
  const ref: BuilderBlock = {
    name,
    loc,
    // Made on first use, when every block the body calls is defined: blocks may call blocks declared after them.
    definition: () =>
      (definition ??= {
        type: "block",
        name,
        params: names.map((p): BlockParam => {
          const given = params[p];
          if (given === required) return { name: p, loc };
          return { name: p, default: exprOf(typeof given === "function" ? given(bound) : given, loc), loc };
        }),
        body: linesOf(body(bound)),
        loc,
      }),
  };
  const call = (...args: Args): Layer => {
    const at = callSite(name.length);
    const element: CallElement = { type: "call", block: name, args: argsOf(args, at), loc: at };
    callTargets.set(element, ref);
    return new Layer(element);
  };
  return Object.assign(call, { blockName: name });
}

/** Every block the statements call, directly or through other blocks (not inside nested networks), first call first. */
function calledBlocks(statements: Statement[]): BlockDefinition[] {
  const found = new Map<BuilderBlock, BlockDefinition>();
  const visitStatements = (list: Statement[]): void => list.forEach(visit);
  const visit = (statement: Statement): void => {
    switch (statement.type) {
      case "chain":
        for (const element of statement.elements) {
          if (element.type === "merge") element.branches.forEach(visitStatements);
          if (element.type !== "call") continue;
          const target = callTargets.get(element) as BuilderBlock | undefined;
          if (!target || found.has(target)) continue;
          const definition = target.definition();
          found.set(target, definition);
          visitStatements(definition.body);
        }
        break;
      case "repeat":
      case "towers":
      case "group":
        visitStatements(statement.body);
        break;
      default:
        break;
    }
  };
  visitStatements(statements);
  return [...found.values()];
}

/** The lines with the definitions of the blocks they call in front, as a file would have them. */
function withBlocks(statements: Statement[]): Statement[] {
  return [...calledBlocks(statements), ...statements];
}

/** `network name { … }`: one of several networks of a file. */
export function network(name: string, body: readonly Line[]): Block {
  const loc = callSite(7);
  return new Block({ type: "network", name, body: withBlocks(linesOf(body)), loc });
}

export interface ModelOptions {
  /** Names a file's only network when it has no title (as a file's name does); default `network`. */
  name?: string;
}

/** A whole file: lines of one network, or `network(…)`s, with figure settings. Hand it to `render`, `check` or `summary`. */
export function model(body: readonly Line[], options: ModelOptions = {}): BuiltModel {
  return { kind: "netfig-builder", source: { file: options.name ?? "network", statements: withBlocks(linesOf(body)) } };
}

