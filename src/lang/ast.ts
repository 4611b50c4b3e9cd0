import type { SourceLocation } from "./diagnostics.js";

/** Arithmetic on block parameters: `c*4`, `(n-1)`, or a bare word like `same`. */
export type Expr =
  | { type: "number"; value: number; loc: SourceLocation }
  | { type: "name"; name: string; loc: SourceLocation }
  | { type: "string"; value: string; loc: SourceLocation }
  | { type: "binary"; op: "+" | "-" | "*" | "/" | "%"; left: Expr; right: Expr; loc: SourceLocation }
  | { type: "negate"; operand: Expr; loc: SourceLocation }
  /** `3x3`, `224x224x3`, with an optional `/stride` (`3x3/2`, `7x7/s`). */
  | { type: "dims"; dims: Expr[]; stride?: Expr; loc: SourceLocation }
  /** `[1, 0, -1]`, nested for more dimensions (`[[1, 0], [0, 1]]`): a literal tensor, row-major as numpy writes it. */
  | { type: "list"; items: Expr[]; loc: SourceLocation };

/** One argument on a layer line or in a block call: positional, or `key=value`. */
export interface Arg {
  key?: string;
  value: Expr;
  loc: SourceLocation;
}

export interface LayerElement {
  type: "layer";
  name?: string;
  op: string;
  opLoc: SourceLocation;
  args: Arg[];
  label?: string;
  from?: Ref[];
  loc: SourceLocation;
}

export interface CallElement {
  type: "call";
  name?: string;
  block: string;
  args: Arg[];
  label?: string;
  from?: Ref[];
  loc: SourceLocation;
}

/** `concat { ... }` / `add { ... }`: each branch is one line, or a `{ }` of statements. */
export interface MergeElement {
  type: "merge";
  name?: string;
  op: "concat" | "add";
  branches: Statement[][];
  label?: string;
  loc: SourceLocation;
}

export type Element = LayerElement | CallElement | MergeElement;

export interface Ref {
  name: string;
  loc: SourceLocation;
}

export interface ChainStatement {
  type: "chain";
  elements: Element[];
  loc: SourceLocation;
}

export interface RepeatStatement {
  type: "repeat";
  name?: string;
  count: Expr;
  body: Statement[];
  loc: SourceLocation;
}

export interface TowersStatement {
  type: "towers";
  name?: string;
  count: Expr;
  body: Statement[];
  loc: SourceLocation;
}

/** `name: { ... }`: a named group of statements, drawn as a frame (`layer2: { … }`). */
export interface GroupStatement {
  type: "group";
  name: string;
  body: Statement[];
  loc: SourceLocation;
}

export interface TextStatement {
  type: "title" | "caption";
  text: string;
  loc: SourceLocation;
}

/** `defaults conv bias=false`: named arguments every later `conv` in this scope starts from. */
export interface DefaultsStatement {
  type: "defaults";
  op: string;
  opLoc: SourceLocation;
  args: Arg[];
  loc: SourceLocation;
}

export interface FigureEntry {
  key: string;
  value: Expr;
  loc: SourceLocation;
}

export interface FigureStatement {
  type: "figure";
  entries: FigureEntry[];
  loc: SourceLocation;
}

export interface BlockParam {
  name: string;
  default?: Expr;
  loc: SourceLocation;
}

export interface BlockDefinition {
  type: "block";
  name: string;
  params: BlockParam[];
  body: Statement[];
  loc: SourceLocation;
}

export interface NetworkDefinition {
  type: "network";
  name: string;
  body: Statement[];
  loc: SourceLocation;
}

export type Statement =
  | ChainStatement
  | RepeatStatement
  | TowersStatement
  | GroupStatement
  | TextStatement
  | DefaultsStatement
  | FigureStatement
  | BlockDefinition
  | NetworkDefinition;

export interface SourceFile {
  file: string;
  statements: Statement[];
}
