/**
 * Layers, block calls, merges and chains: what goes on one line of a `.netfig` file.
 * Each builder value holds the syntax-tree node the line would parse to; methods return a
 * changed copy, so a value can be reused.
 */

import type { Arg, CallElement, ChainStatement, Element, LayerElement, MergeElement, Statement } from "../lang/ast.js";
import type { SourceLocation } from "../lang/diagnostics.js";
import { callSite } from "./location.js";
import { exprOf, isSettings, type Settings, type Value } from "./values.js";

/** A block as the builder knows it; its definition is made when a network is assembled. */
export interface BlockRef {
  readonly name: string;
  readonly loc: SourceLocation;
}

/** The block behind each call element the builder made (calls are found again by walking the tree). */
export const callTargets = new WeakMap<CallElement, BlockRef>();

/** Positional values, then optionally one object of `key=value` settings. */
export type Args = readonly (Value | Settings)[];

export function argsOf(args: Args, loc: SourceLocation): Arg[] {
  return args.flatMap((arg): Arg[] =>
    isSettings(arg) ? Object.entries(arg).map(([key, v]) => ({ key, value: exprOf(v, loc), loc })) : [{ value: exprOf(arg, loc), loc }],
  );
}

/** One element of a chain: a layer, a block call or a merge. */
export class Layer {
  constructor(readonly element: Element) {}

  private with(change: { name?: string; label?: string; from?: LayerElement["from"] }): Layer {
    const copy = { ...this.element, ...change } as Element;
    if (this.element.type === "call") callTargets.set(copy as CallElement, callTargets.get(this.element)!);
    return new Layer(copy);
  }

  /** Names it (`conv1: conv …`); a named block call scopes its layers (`layer1.conv1`). */
  as(name: string): Layer {
    return this.with({ name });
  }

  /** Its free label for the figure (`"conv1\n11×11/4"`). */
  label(text: string): Layer {
    return this.with({ label: text });
  }

  /** Reads these layers instead of the line above (`from a, b`). */
  from(...names: string[]): Layer {
    if (this.element.type === "merge") throw new TypeError("netfig builder: a merge with branches reads its input; write concat().from(a, b) to merge named layers");
    const loc = callSite(4);
    return this.with({ from: names.map((name) => ({ name, loc })) });
  }
}

/** A layer of kind `kind` (`conv`, `maxpool`, `fc`, … as in docs/language.md); the compiler checks the kind and its arguments. */
export function layer(kind: string, ...args: Args): Layer {
  const loc = callSite(kind.length);
  return new Layer({ type: "layer", op: kind, opLoc: loc, args: argsOf(args, loc), loc });
}

export type LayerFunction = (...args: Args) => Layer;

/**
 * Every layer kind as a function of its arguments: `const { conv, bn, relu } = layers;`
 * then `conv(64, "3x3", { pad: 1 })` is the line `conv 64 3x3 pad=1`. The kinds are the
 * op registry's (src/ops/), checked when the network compiles, with a diagnostic at the call.
 */
export const layers: { readonly [kind: string]: LayerFunction } = new Proxy({}, {
  get: (_, kind) => {
    if (typeof kind !== "string") return undefined;
    return (...args: Args): Layer => {
      const loc = callSite(kind.length);
      return new Layer({ type: "layer", op: kind, opLoc: loc, args: argsOf(args, loc), loc });
    };
  },
});

/** `a -> b -> c`: each element reads the one before. */
export class Chain {
  constructor(readonly statement: ChainStatement) {}
}

export function chain(...elements: Layer[]): Chain {
  const loc = callSite(5);
  return new Chain({ type: "chain", elements: elements.map((e) => e.element), loc });
}

/** What a line of a body can be: a layer (a chain of one), a chain, or a statement. */
export type Line = Layer | Chain | { readonly statement: Statement };

export function statementOf(line: Line): Statement {
  if (line instanceof Layer) return { type: "chain", elements: [line.element], loc: line.element.loc };
  return line.statement;
}

/** A branch of a merge: one line, or several (`{ … }` in the text). */
export type Branch = Line | readonly Line[];

function merge(op: "concat" | "add", branches: Branch[]): Layer {
  const loc = callSite(op.length);
  // Without branches it merges named layers: `concat from a, b`.
  if (branches.length === 0) return new Layer({ type: "layer", op, opLoc: loc, args: [], loc });
  const element: MergeElement = {
    type: "merge",
    op,
    branches: branches.map((branch) => (Array.isArray(branch) ? (branch as readonly Line[]).map(statementOf) : [statementOf(branch as Line)])),
    loc,
  };
  return new Layer(element);
}

/** `concat { … }`: one branch per argument, channels joined; `concat().from(a, b)` joins named layers. */
export function concat(...branches: Branch[]): Layer {
  return merge("concat", branches);
}

/** `add { … }`: one branch per argument, summed; `layers.shortcut()` and `layers.proj()` are residual shortcuts. */
export function add(...branches: Branch[]): Layer {
  return merge("add", branches);
}
