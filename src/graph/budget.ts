import type { SourceLocation } from "../lang/diagnostics.js";
import type { FigureSettings } from "./types.js";

/**
 * Limits on what a short text may expand into. Blocks, repeats and towers multiply: a few
 * lines can ask for 10^12 layers, so the compiler counts what it builds and stops at a
 * budget, with one located error naming the limit and how to raise it.
 */

/** Layers and block instances one network may expand to unless its file raises it. */
export const DEFAULT_MAX_LAYERS = 100_000;
/** The most `figure { maxLayers: N }` may ask for. */
export const MAX_LAYERS_CEILING = 5_000_000;
/** Lanes of one `towers` (AlexNet has 2; every lane reads every other at a `cross` layer). */
export const MAX_TOWERS = 256;
/** Blocks, groups, repeats and merges nested inside each other once block calls are expanded. */
export const MAX_EXPANDED_NESTING = 400;

/** The setting that raises the layer budget, read before the networks are compiled. */
export const MAX_LAYERS_SETTING = "maxLayers";

/** Raised when expansion passes a budget; compile reports it once, at `loc`, and stops that network. */
export class BudgetExceeded extends Error {
  constructor(
    message: string,
    readonly loc: SourceLocation,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** The layer budget a file asks for with `figure { maxLayers: N }`, or the default. */
export function layerBudget(settings: FigureSettings): number | string {
  const asked = settings[MAX_LAYERS_SETTING];
  if (asked === undefined) return DEFAULT_MAX_LAYERS;
  if (typeof asked === "number" && Number.isInteger(asked) && asked >= 1 && asked <= MAX_LAYERS_CEILING) return asked;
  return `figure: ${MAX_LAYERS_SETTING} must be a whole number from 1 to ${MAX_LAYERS_CEILING}, not ${JSON.stringify(asked)}`;
}

/** Counts the layers and block instances a network expands to. */
export class ExpansionBudget {
  private spent = 0;

  constructor(readonly limit: number) {}

  /** Whether `count` more would still fit: checked before a repeat or towers starts its work. */
  fits(count: number): boolean {
    return this.spent + count <= this.limit;
  }

  spend(loc: SourceLocation): void {
    this.spent++;
    if (this.spent > this.limit) throw this.exceeded(loc);
  }

  exceeded(loc: SourceLocation): BudgetExceeded {
    return new BudgetExceeded(
      `the network expands to more than ${this.limit} layers and blocks`,
      loc,
      `look for a repeat or towers count that is too large; a network this large can raise the limit with figure { ${MAX_LAYERS_SETTING}: N } (at most ${MAX_LAYERS_CEILING})`,
    );
  }
}
