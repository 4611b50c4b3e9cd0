/**
 * Values a builder call takes, and the expressions of the syntax tree they stand for: a
 * number, a word or shape written as text (`"same"`, `"3x3/2"`), a block parameter and
 * arithmetic on it (`c.times(4)`), a list (a literal tensor), a quoted string.
 */

import type { Expr } from "../lang/ast.js";
import type { SourceLocation } from "../lang/diagnostics.js";

/** An expression over block parameters: `c`, `c.times(4)`, `c.plus(1).div(2)`. */
export class Arith {
  constructor(
    /** The expression, located where the builder call that uses it is. */
    readonly toExpr: (loc: SourceLocation) => Expr,
  ) {}
  plus(other: Value): Arith {
    return binary("+", this, other);
  }
  minus(other: Value): Arith {
    return binary("-", this, other);
  }
  times(other: Value): Arith {
    return binary("*", this, other);
  }
  div(other: Value): Arith {
    return binary("/", this, other);
  }
  mod(other: Value): Arith {
    return binary("%", this, other);
  }
  negate(): Arith {
    return new Arith((loc) => ({ type: "negate", operand: this.toExpr(loc), loc }));
  }
}

function binary(op: "+" | "-" | "*" | "/" | "%", left: Value, right: Value): Arith {
  return new Arith((loc) => ({ type: "binary", op, left: exprOf(left, loc), right: exprOf(right, loc), loc }));
}

/** A block's parameter, as its body sees it: bound to each call's argument by the compiler. */
export class Param extends Arith {
  constructor(readonly name: string) {
    super((loc) => ({ type: "name", name, loc }));
  }
}

/** A shape or kernel whose sizes are not all numbers: `dims(c, c)`, `dims(3, 3).stride(s)`. */
export class Dims {
  constructor(
    readonly sizes: Value[],
    readonly by?: Value,
  ) {}
  stride(by: Value): Dims {
    return new Dims(this.sizes, by);
  }
}

/** A quoted string where a bare word would be read otherwise (`type="Einsum"`). */
export class Text {
  constructor(readonly value: string) {}
}

export type Value = number | string | boolean | Arith | Dims | Text | readonly Value[];

/** Keyed values: a layer's `key=value` settings, a block call's named arguments. */
export type Settings = { readonly [key: string]: Value };

export function dims(...sizes: Value[]): Dims {
  return new Dims(sizes);
}

export function text(value: string): Text {
  return new Text(value);
}

/** A number as an expression, to start arithmetic from it: `value(2).times(c)`. */
export function value(v: Value): Arith {
  return new Arith((loc) => exprOf(v, loc));
}

/** Written as the lexer would read it: a word, or sizes joined by x with an optional /stride. */
const WORD = /^[A-Za-z_][\w.]*$/;
const SHAPE = /^\d+(?:x\d+)*(?:\/\d+)?$/;

/** Whether `v` is keyed settings rather than a value: a plain object. */
export function isSettings(v: unknown): v is Settings {
  return typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
}

function shapeExpr(text: string, loc: SourceLocation): Expr {
  const [sizes, stride] = text.split("/");
  const dimsOf = sizes!.split("x").map((d): Expr => ({ type: "number", value: Number(d), loc }));
  if (dimsOf.length === 1 && stride === undefined) return dimsOf[0]!;
  return stride === undefined ? { type: "dims", dims: dimsOf, loc } : { type: "dims", dims: dimsOf, stride: { type: "number", value: Number(stride), loc }, loc };
}

export function exprOf(v: Value, loc: SourceLocation): Expr {
  if (typeof v === "number") return { type: "number", value: v, loc };
  if (typeof v === "boolean") return { type: "name", name: String(v), loc };
  if (typeof v === "string") {
    if (SHAPE.test(v)) return shapeExpr(v, loc);
    if (WORD.test(v)) return { type: "name", name: v, loc };
    return { type: "string", value: v, loc };
  }
  if (v instanceof Arith) return v.toExpr(loc);
  if (v instanceof Text) return { type: "string", value: v.value, loc };
  if (v instanceof Dims) {
    const sizes = v.sizes.map((d) => exprOf(d, loc));
    return v.by === undefined ? { type: "dims", dims: sizes, loc } : { type: "dims", dims: sizes, stride: exprOf(v.by, loc), loc };
  }
  if (Array.isArray(v)) return { type: "list", items: v.map((item) => exprOf(item, loc)), loc };
  throw new TypeError(`netfig builder: ${JSON.stringify(v)} is not a value (a number, a word, a shape such as "3x3/2", a parameter, or a list)`);
}
