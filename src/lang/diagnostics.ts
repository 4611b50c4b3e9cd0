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

/** Collects diagnostics during a stage so that all errors are reported at once. */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];

  error(message: string, location?: SourceLocation, hint?: string): void {
    this.items.push({ severity: "error", message, location, hint });
  }

  warning(message: string, location?: SourceLocation, hint?: string): void {
    this.items.push({ severity: "warning", message, location, hint });
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  /** Throws a NetfigError when any error was collected. */
  throwIfErrors(): void {
    if (this.hasErrors) throw new NetfigError(this.items);
  }
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
  if (d.location && text !== undefined) {
    const sourceLine = text.split(/\r?\n/)[d.location.line - 1];
    if (sourceLine !== undefined) {
      const gutter = String(d.location.line);
      const pad = " ".repeat(gutter.length);
      const caretWidth = Math.max(1, Math.min(d.location.length, sourceLine.length - d.location.column + 1));
      lines.push(`  ${gutter} | ${sourceLine}`);
      lines.push(`  ${pad} | ${" ".repeat(d.location.column - 1)}${"^".repeat(caretWidth)}`);
    }
  }
  if (d.hint) lines.push(`  hint: ${d.hint}`);
  return lines.join("\n");
}
