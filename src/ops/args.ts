import { excerpt } from "../lang/diagnostics.js";
import { formatShape } from "./shape.js";
import { ArgError, type ArgValue, type OpArgs } from "./types.js";

/**
 * Reading helpers shared by the op definitions: each takes the written arguments and
 * returns a typed value or throws an ArgError that names the argument.
 */

/** A value as messages quote it, cut short: a string argument may be a megabyte long. */
function describe(value: ArgValue): string {
  return excerpt(describeWhole(value));
}

function describeWhole(value: ArgValue): string {
  switch (value.kind) {
    case "number":
      return String(value.value);
    case "dims":
      return value.dims.join("x") + (value.stride ? `/${value.stride.join("x")}` : "");
    case "tensor":
      return `${formatShape(value.shape)} values`;
    default:
      return value.value;
  }
}

/**
 * The largest count, size or length a layer setting may have (2^31 − 1, ONNX's and PyTorch's
 * int32 index range): far above any real layer, and small enough that products stay exact.
 */
export const MAX_WHOLE = 2 ** 31 - 1;

export function asNumber(value: ArgValue, what: string): number {
  if (value.kind !== "number") throw new ArgError(`${what} must be a number, got '${describe(value)}'`, undefined, what);
  if (!Number.isFinite(value.value)) throw new ArgError(`${what} must be a finite number, got ${value.value}`, undefined, what);
  return value.value;
}

function wholeAtMost(n: number, what: string): number {
  if (n > MAX_WHOLE) throw new ArgError(`${what} must be at most ${MAX_WHOLE}, got ${n}`, undefined, what);
  return n;
}

export function asPositiveInt(value: ArgValue, what: string): number {
  const n = asNumber(value, what);
  if (!Number.isInteger(n) || n < 1) throw new ArgError(`${what} must be a positive whole number, got ${n}`, undefined, what);
  return wholeAtMost(n, what);
}

export function asNonNegativeInt(value: ArgValue, what: string): number {
  const n = asNumber(value, what);
  if (!Number.isInteger(n) || n < 0) throw new ArgError(`${what} must be a whole number ≥ 0, got ${n}`, undefined, what);
  return wholeAtMost(n, what);
}

/** `3` or `3x5` → [3, 5] (H, W). */
export function asPair(value: ArgValue, what: string, allowZero = false): [number, number] {
  const read = allowZero ? asNonNegativeInt : asPositiveInt;
  if (value.kind === "number") {
    const n = read(value, what);
    return [n, n];
  }
  if (value.kind === "dims" && value.dims.length === 2 && !value.stride) {
    return [read({ kind: "number", value: value.dims[0]! }, what), read({ kind: "number", value: value.dims[1]! }, what)];
  }
  throw new ArgError(`${what} must be N or HxW, got '${describe(value)}'`, undefined, what);
}

export function asBool(value: ArgValue, what: string): boolean {
  if (value.kind === "word" && (value.value === "true" || value.value === "false")) return value.value === "true";
  if (value.kind === "number" && (value.value === 0 || value.value === 1)) return value.value === 1;
  throw new ArgError(`${what} must be true or false, got '${describe(value)}'`, undefined, what);
}

export function asWord<const W extends string>(value: ArgValue, what: string, allowed: readonly W[]): W {
  if (value.kind === "word" && (allowed as readonly string[]).includes(value.value)) return value.value as W;
  throw new ArgError(`${what} must be one of ${allowed.join(", ")}, got '${describe(value)}'`, undefined, what);
}

/**
 * Walks an op's arguments: positional values are taken in order, named ones by key,
 * flags by word. `finish()` rejects anything left over, so typos never pass silently.
 */
export class ArgReader {
  private positionalIndex = 0;
  private readonly usedNamed = new Set<string>();
  private readonly usedFlags = new Set<string>();

  constructor(
    private readonly args: OpArgs,
    private readonly op: string,
  ) {}

  /** The next positional value when it has one of the given kinds, else undefined. */
  positional(...kinds: ArgValue["kind"][]): ArgValue | undefined {
    const value = this.args.positional[this.positionalIndex];
    if (value && kinds.includes(value.kind)) {
      this.positionalIndex++;
      return value;
    }
    return undefined;
  }

  named(...keys: string[]): ArgValue | undefined {
    for (const key of keys) {
      const value = this.args.named[key];
      if (value !== undefined) {
        keys.forEach((k) => this.usedNamed.add(k));
        return value;
      }
    }
    return undefined;
  }

  flag(word: string): boolean {
    if (this.args.flags.includes(word)) {
      this.usedFlags.add(word);
      return true;
    }
    return false;
  }

  finish(known: string[] = []): void {
    const extra = this.args.positional[this.positionalIndex];
    if (extra) throw new ArgError(`${this.op}: unexpected argument '${describe(extra)}'`, `see docs/language.md for what ${this.op} takes`);
    for (const key of Object.keys(this.args.named)) {
      if (!this.usedNamed.has(key)) {
        throw new ArgError(`${this.op} has no setting '${key}'`, known.length ? `it takes ${known.join(", ")}` : undefined, key);
      }
    }
    for (const word of this.args.flags) {
      if (!this.usedFlags.has(word)) throw new ArgError(`${this.op}: unknown word '${word}'`, known.length ? `it takes ${known.join(", ")}` : undefined, word);
    }
  }
}
