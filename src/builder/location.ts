/**
 * Where builder code called the builder: diagnostics about a layer point at the line of
 * TypeScript that made it, as they point at the line of text that wrote it.
 */

import type { SourceLocation } from "../lang/diagnostics.js";

/** This folder's URL prefix: frames inside the builder are skipped to reach the caller's. */
const BUILDER_DIR = new URL(".", import.meta.url).href;

/** `at fn (file:///x.ts:12:5)` or `at file:///x.ts:12:5`: the file, line and column. */
const FRAME = /\(?((?:file|https?):\/\/[^\s()]+|\/[^\s():]+):(\d+):(\d+)\)?\s*$/;

function fileOf(url: string): string {
  if (!url.startsWith("file://")) return url;
  // A path as a user reads it; decodeURIComponent keeps spaces and accents.
  return decodeURIComponent(url.slice("file://".length));
}

/**
 * The caller's file:line:col, `length` characters long (the name of the builder function,
 * so the caret underlines it); a `<builder>` location when no frame outside the builder is
 * visible (some bundlers strip stacks).
 */
export function callSite(length: number): SourceLocation {
  const stack = new Error().stack ?? "";
  for (const line of stack.split("\n").slice(1)) {
    const match = FRAME.exec(line.trim());
    if (!match) continue;
    const [, file, lineText, column] = match;
    const url = file!.startsWith("/") ? `file://${file}` : file!;
    if (url.startsWith(BUILDER_DIR)) continue;
    return { file: fileOf(url), line: Number(lineText), column: Number(column), length };
  }
  return { file: "<builder>", line: 0, column: 0, length };
}
