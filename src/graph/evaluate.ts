import type { Arg, Expr } from "../lang/ast.js";
import { excerpt, type SourceLocation } from "../lang/diagnostics.js";
import { formatShape } from "../ops/shape.js";
import type { ArgValue, OpArgs } from "../ops/types.js";

/** A block parameter's value: a number, or a word such as `same` passed through. */
export type Binding = ArgValue;

/** Raised when an expression cannot be evaluated; carries the location of the culprit. */
export class EvalError extends Error {
  constructor(
    message: string,
    readonly loc: SourceLocation,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Evaluates an argument expression with block parameters bound; unbound names are words. */
export function evaluate(expr: Expr, bindings: ReadonlyMap<string, Binding>): ArgValue {
  switch (expr.type) {
    case "number":
      return { kind: "number", value: expr.value };
    case "string":
      return { kind: "string", value: expr.value };
    case "name":
      return bindings.get(expr.name) ?? { kind: "word", value: expr.name };
    case "negate": {
      const value = evaluateNumber(expr.operand, bindings, "'-'");
      return { kind: "number", value: -value };
    }
    case "binary": {
      const left = evaluateNumber(expr.left, bindings, `'${expr.op}'`);
      const right = evaluateNumber(expr.right, bindings, `'${expr.op}'`);
      if ((expr.op === "/" || expr.op === "%") && right === 0) throw new EvalError("division by zero", expr.right.loc);
      const value = { "+": left + right, "-": left - right, "*": left * right, "/": left / right, "%": left % right }[expr.op];
      if (!Number.isFinite(value)) throw new EvalError(`'${expr.op}' gives a number too large to use`, expr.loc, "keep values below 1e308");
      return { kind: "number", value };
    }
    case "dims": {
      const dims = expr.dims.map((d) => evaluateNumber(d, bindings, "a dimension"));
      if (!expr.stride) return { kind: "dims", dims };
      const stride = evaluate(expr.stride, bindings);
      if (stride.kind === "number") return { kind: "dims", dims, stride: [stride.value] };
      if (stride.kind === "dims" && !stride.stride) return { kind: "dims", dims, stride: stride.dims };
      throw new EvalError(`stride must be a number, got '${describe(stride)}'`, expr.stride.loc, stride.kind === "word" ? `is '${stride.value}' a block parameter? declare it in block name(...)` : undefined);
    }
    case "list":
      return evaluateList(expr.items, bindings);
  }
}

/** A nested list of numbers as one tensor: every item a number, or every item a list of the same shape. */
function evaluateList(items: Expr[], bindings: ReadonlyMap<string, Binding>): ArgValue {
  const values = items.map((item) => evaluate(item, bindings));
  if (values.every((v) => v.kind === "number")) return { kind: "tensor", shape: [values.length], data: values.map((v) => v.value) };
  const first = values[0]!;
  if (first.kind === "number") {
    const i = values.findIndex((v) => v.kind !== "number");
    throw new EvalError("the list mixes numbers and lists", items[i]!.loc, "every row of a literal tensor has the same length");
  }
  if (first.kind !== "tensor") throw new EvalError(`a list holds numbers or lists of numbers, not '${describe(first)}'`, items[0]!.loc);
  const data: number[] = [];
  values.forEach((v, i) => {
    if (v.kind !== "tensor" || v.shape.join("x") !== first.shape.join("x")) {
      throw new EvalError(`row ${i + 1} of the list is not like row 1 (${describe(first)})`, items[i]!.loc, "every row of a literal tensor has the same length");
    }
    data.push(...v.data);
  });
  return { kind: "tensor", shape: [values.length, ...first.shape], data };
}

function evaluateNumber(expr: Expr, bindings: ReadonlyMap<string, Binding>, where: string): number {
  const value = evaluate(expr, bindings);
  if (value.kind !== "number") {
    throw new EvalError(
      `${where} needs a number, got '${describe(value)}'`,
      expr.loc,
      value.kind === "word" ? `'${value.value}' is not a parameter of the enclosing block` : undefined,
    );
  }
  return value.value;
}

/** A value as messages quote it, cut short: a string may be a megabyte long. */
function describe(value: ArgValue): string {
  if (value.kind === "tensor") return `${formatShape(value.shape)} values`;
  return excerpt(value.kind === "dims" ? value.dims.join("x") : String(value.value));
}

/** A layer's written arguments, evaluated: bare unbound words become flags (`ceil`, `cross`). */
export function evaluateArgs(args: Arg[], bindings: ReadonlyMap<string, Binding>): { args: OpArgs; locations: Map<string, SourceLocation> } {
  const result: OpArgs = { positional: [], named: {}, flags: [] };
  const locations = new Map<string, SourceLocation>();
  for (const arg of args) {
    const value = evaluate(arg.value, bindings);
    if (arg.key !== undefined) {
      if (arg.key in result.named) throw new EvalError(`'${arg.key}' is given twice`, arg.loc, "keep one of them");
      result.named[arg.key] = value;
      locations.set(arg.key, arg.loc);
    } else if (value.kind === "word" && arg.value.type === "name") {
      result.flags.push(value.value);
      locations.set(value.value, arg.loc);
    } else {
      result.positional.push(value);
    }
  }
  return { args: result, locations };
}
