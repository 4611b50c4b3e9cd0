/** A position in a source file; lines and columns count from 1. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
  /** Length of the offending text, for the caret underline. */
  length: number;
}

export type Severity = "error" | "warning";

export interface Diagnostic {
  severity: Severity;
  message: string;
  location?: SourceLocation;
  /** A likely fix, printed after the caret line ("did you mean maxpool?"). */
  hint?: string;
}

/** Thrown by a pipeline stage when its input is invalid; carries every problem found. */
export class NetfigError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join("\n"));
    this.name = "NetfigError";
  }
}

export function isNetfigError(value: unknown): value is NetfigError {
  return value instanceof NetfigError;
}

/** One key per cause: the same message at the same place is one diagnostic, however often it is found. */
function causeKey(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.column}` : "";
  return `${d.severity}\u0000${where}\u0000${d.message}`;
}

/** The diagnostics with repeats of one cause left out (a block's error found in each of its instances), in order. */
export function distinctDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = causeKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Collects diagnostics during a stage so that all errors are reported at once, each cause once. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  private readonly causes = new Set<string>();

  error(message: string, location?: SourceLocation, hint?: string): void {
    this.add({ severity: "error", message, location, hint });
  }

  warning(message: string, location?: SourceLocation, hint?: string): void {
    this.add({ severity: "warning", message, location, hint });
  }

  private add(diagnostic: Diagnostic): void {
    const key = causeKey(diagnostic);
    if (this.causes.has(key)) return;
    this.causes.add(key);
    this.items.push(diagnostic);
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  /** Throws a NetfigError when any error was collected. */
  throwIfErrors(): void {
    if (this.hasErrors) throw new NetfigError(this.items);
  }
}

/** A snippet of untrusted text for a message: at most `max` characters, the rest elided. */
export function excerpt(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** The longest stretch of a source line quoted under a diagnostic; a longer line is cut around the column. */
const QUOTED_LINE_MAX = 120;

/** Line starts of the last text quoted, so that quoting many diagnostics of one file reads it once. */
let indexedText: string | undefined;
let lineStarts: number[] = [];

function sourceLine(text: string, line: number): string | undefined {
  if (text !== indexedText) {
    indexedText = text;
    lineStarts = [0];
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  }
  const start = lineStarts[line - 1];
  if (start === undefined) return undefined;
  const end = line < lineStarts.length ? lineStarts[line]! - 1 : text.length;
  return text.slice(start, end).replace(/\r$/, "");
}

/**
 * Formats a diagnostic the way compilers do:
 *   net.netfig:3:14: error: message
 *     3 | c3: conv 16 7x7
 *       |              ^^^
 *   hint: ...
 */
export function formatDiagnostic(d: Diagnostic, sources: ReadonlyMap<string, string> = new Map()): string {
  // Layers imported from a binary model have a file but no line to point at.
  const where = !d.location ? "" : d.location.line < 1 ? `${d.location.file}: ` : `${d.location.file}:${d.location.line}:${d.location.column}: `;
  const lines = [`${where}${d.severity}: ${d.message}`];
  const text = d.location ? sources.get(d.location.file) : undefined;
  const fullLine = d.location && text !== undefined ? sourceLine(text, d.location.line) : undefined;
  if (d.location && fullLine !== undefined) {
    // A very long line is quoted from a little before the column, so the caret still points at it.
    const from = fullLine.length <= QUOTED_LINE_MAX ? 0 : Math.max(0, Math.min(d.location.column - 1 - 20, fullLine.length - QUOTED_LINE_MAX));
    const shown = fullLine.slice(from, from + QUOTED_LINE_MAX);
    const column = d.location.column - from;
    const gutter = String(d.location.line);
    const pad = " ".repeat(gutter.length);
    const caretWidth = Math.max(1, Math.min(d.location.length, shown.length - column + 1));
    lines.push(`  ${gutter} | ${shown}`);
    lines.push(`  ${pad} | ${" ".repeat(Math.max(0, column - 1))}${"^".repeat(caretWidth)}`);
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}
