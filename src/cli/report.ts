import { distinctDiagnostics, formatDiagnostic, isNetfigError, type Diagnostic } from "../lang/diagnostics.js";
import { OptionError } from "../options/errors.js";
import { OutputError, sources } from "./io.js";
import { terminalSafe } from "./terminal.js";

/** Exit statuses: 1 for invalid input, 2 for usage errors (as mermaid-cli and d2 do). */
export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 70;

function compareLocations(a: Diagnostic, b: Diagnostic): number {
  const fileA = a.location?.file ?? "";
  const fileB = b.location?.file ?? "";
  if (fileA !== fileB) return fileA < fileB ? -1 : 1;
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0);
}

/** Diagnostics as the terminal shows them: in source order, each cause once, escaped, with the error count. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const ordered = distinctDiagnostics(diagnostics).sort(compareLocations);
  const parts = ordered.map((d) => terminalSafe(formatDiagnostic(d, sources)) + "\n");
  const errors = ordered.filter((d) => d.severity === "error").length;
  if (errors > 1) parts.push(`${errors} errors\n`);
  return parts.join("");
}

/** Prints diagnostics in source order, whichever stage found them, in one write. */
export function printDiagnostics(diagnostics: readonly Diagnostic[]): void {
  process.stderr.write(formatDiagnostics(diagnostics));
}

/**
 * Runs a command body and turns what it throws into an exit status: diagnostics for
 * invalid input, one line for anything unexpected — never a stack trace, unless
 * NETFIG_DEBUG is set.
 */
export async function runCommand(body: () => Promise<number | void> | number | void): Promise<number> {
  try {
    return (await body()) ?? EXIT_OK;
  } catch (error) {
    if (isNetfigError(error)) {
      printDiagnostics(error.diagnostics);
      return EXIT_INVALID;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`netfig: ${terminalSafe(error.message)}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof OutputError) {
      process.stderr.write(`netfig: ${terminalSafe(error.message)}\n`);
      return EXIT_INVALID;
    }
    if (error instanceof OptionError) {
      // The library names options as its requests do (`foldRepeats`); the flag is `--fold-repeats`.
      process.stderr.write(`netfig: --${error.option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`netfig: internal error: ${terminalSafe(message)}\n`);
    if (process.env.NETFIG_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    else process.stderr.write("(set NETFIG_DEBUG=1 for details, and please report it)\n");
    return EXIT_INTERNAL;
  }
}

/** A mistake in how the command was called (bad flag value, missing file argument). */
export class UsageError extends Error {}
