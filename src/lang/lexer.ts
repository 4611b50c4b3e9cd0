import { DiagnosticBag, excerpt, type SourceLocation } from "./diagnostics.js";
import type { Token, TokenKind } from "./tokens.js";

const PUNCTUATION: Record<string, TokenKind> = {
  ":": "colon",
  "{": "lbrace",
  "}": "rbrace",
  "(": "lparen",
  ")": "rparen",
  "[": "lbracket",
  "]": "rbracket",
  ",": "comma",
  "=": "equals",
  "/": "slash",
  "*": "star",
  "+": "plus",
  "-": "minus",
  "%": "percent",
  ";": "newline",
};

/** Tokens after which a line break does not end the statement. */
const CONTINUES_LINE = new Set<TokenKind>(["arrow", "comma", "equals", "slash", "star", "plus", "minus", "percent"]);

/**
 * The most tokens a file may have: a written-out chain of 50,000 conv layers fits, and a
 * pasted-together megabyte line is refused before the parser builds millions of objects.
 */
export const MAX_TOKENS = 500_000;

/** The longest name (layer, block, parameter or setting) a file may write. */
export const MAX_NAME_LENGTH = 256;

const ESCAPES: Record<string, string> = { n: "\n", t: "\t", '"': '"', "\\": "\\" };

/**
 * Splits `.netfig` text into tokens. Line breaks are statements' ends, except inside
 * parentheses or brackets (a literal tensor spans lines) and after a token that needs a continuation (`->`, `,`, operators).
 * `224x224x3` and `3×3` are single `dims` tokens so shapes read the way papers write them.
 */
export function tokenize(text: string, file: string, diagnostics: DiagnosticBag): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let line = 1;
  let lineStart = 0;
  let parenDepth = 0;

  const locAt = (start: number, length: number): SourceLocation => ({
    file,
    line,
    column: start - lineStart + 1,
    length: Math.max(1, length),
  });
  const push = (kind: TokenKind, start: number, end: number, extra: Partial<Token> = {}): void => {
    tokens.push({ kind, text: text.slice(start, end), loc: locAt(start, end - start), ...extra });
  };
  const lastKind = (): TokenKind | undefined => tokens[tokens.length - 1]?.kind;

  const pastBudget = tokenBudgetEnd(text);
  if (pastBudget !== undefined) {
    const before = text.slice(0, pastBudget);
    const lineOf = before.split("\n").length;
    diagnostics.error(`the file has more than ${MAX_TOKENS} tokens`, { file, line: lineOf, column: pastBudget - before.lastIndexOf("\n"), length: 1 }, "no network needs this much text; write repeated layers with repeat N");
    return [{ kind: "eof", text: "", loc: { file, line: lineOf, column: 1, length: 1 } }];
  }

  while (pos < text.length) {
    const ch = text[pos]!;
    if (ch === "\n") {
      if (parenDepth === 0 && !CONTINUES_LINE.has(lastKind() ?? "newline") && lastKind() !== "newline" && tokens.length > 0) {
        push("newline", pos, pos + 1);
      }
      pos++;
      line++;
      lineStart = pos;
      continue;
    }
    if (ch === " " || ch === "\t" || ch === "\r") {
      pos++;
      continue;
    }
    if (ch === "#") {
      while (pos < text.length && text[pos] !== "\n") pos++;
      continue;
    }
    const start = pos;
    if (ch === "-" && text[pos + 1] === ">") {
      pos += 2;
      push("arrow", start, pos);
      continue;
    }
    if (ch === "→") {
      pos++;
      push("arrow", start, pos);
      continue;
    }
    if (isDigit(ch) || (ch === "." && isDigit(text[pos + 1] ?? ""))) {
      pos = scanNumber(text, pos);
      const first = Number(text.slice(start, pos));
      const dims = [first];
      // A dimension separator binds only without spaces: `3x3`, `224x224x3`, `3×3`.
      while ((text[pos] === "x" || text[pos] === "×") && isDigit(text[pos + 1] ?? "")) {
        const partStart = pos + 1;
        pos = scanNumber(text, partStart);
        dims.push(Number(text.slice(partStart, pos)));
      }
      if (dims.some((d) => !Number.isFinite(d))) {
        diagnostics.error(`the number '${excerpt(text.slice(start, pos))}' is too large`, locAt(start, pos - start), "write a number below 1e308");
      }
      if (dims.length > 1) push("dims", start, pos, { dims });
      else push("number", start, pos, { value: first });
      if (isIdentStart(text[pos] ?? "")) {
        const wordEnd = scanIdent(text, pos);
        diagnostics.error(
          `unexpected '${excerpt(text.slice(start, wordEnd))}': a number cannot run into a word`,
          locAt(start, wordEnd - start),
          /^\d+x$/.test(text.slice(start, wordEnd)) ? "write dimensions as 3x3 (no spaces)" : "put a space between them",
        );
        pos = wordEnd;
      }
      continue;
    }
    if (isIdentStart(ch)) {
      pos = scanIdent(text, pos);
      if (pos - start > MAX_NAME_LENGTH) {
        // Messages quote names: a pasted-together word would be copied into every one of them.
        diagnostics.error(`a name of ${pos - start} characters (at most ${MAX_NAME_LENGTH})`, locAt(start, pos - start), "is a space or a line break missing?");
        tokens.push({ kind: "ident", text: excerpt(text.slice(start, pos)), loc: locAt(start, pos - start) });
        continue;
      }
      push("ident", start, pos);
      continue;
    }
    if (ch === '"') {
      let value = "";
      pos++;
      let closed = false;
      while (pos < text.length && text[pos] !== "\n") {
        const c = text[pos]!;
        if (c === '"') {
          closed = true;
          pos++;
          break;
        }
        // A backslash before the line's end escapes nothing: the string ends unterminated on this line.
        if (c === "\\" && pos + 1 < text.length && text[pos + 1] !== "\n") {
          const escaped = ESCAPES[text[pos + 1]!];
          if (escaped === undefined) {
            diagnostics.error(`unknown escape '\\${text[pos + 1]}' in string`, locAt(pos, 2), 'use \\n, \\t, \\" or \\\\');
            value += text[pos + 1];
          } else {
            value += escaped;
          }
          pos += 2;
          continue;
        }
        value += c;
        pos++;
      }
      if (!closed) diagnostics.error("unterminated string", locAt(start, pos - start), 'close it with " on the same line');
      // A string token's text is its value, escapes resolved.
      tokens.push({ kind: "string", text: value, loc: locAt(start, pos - start) });
      continue;
    }
    const kind = PUNCTUATION[ch];
    if (kind) {
      pos++;
      if (kind === "lparen" || kind === "lbracket") parenDepth++;
      if (kind === "rparen" || kind === "rbracket") parenDepth = Math.max(0, parenDepth - 1);
      if (kind === "newline") {
        if (lastKind() !== "newline" && tokens.length > 0) push("newline", start, pos);
      } else {
        push(kind, start, pos);
      }
      continue;
    }
    // A run of stray characters (binary junk, NUL bytes) is one error, not one per byte.
    pos++;
    while (pos < text.length && text[pos] !== "\n" && !startsToken(text, pos)) pos++;
    const run = text.slice(start, pos);
    diagnostics.error(run.length === 1 ? `unexpected character ${describeChar(ch)}` : `unexpected characters ${describeChar(ch)}… (${run.length})`, locAt(start, pos - start));
  }
  if (lastKind() !== "newline" && tokens.length > 0) tokens.push({ kind: "newline", text: "", loc: locAt(pos, 1) });
  tokens.push({ kind: "eof", text: "", loc: locAt(pos, 1) });
  return tokens;
}

/** Roughly one match per token (a comment or a string is one), the cheap way to count them. */
const TOKENISH = /[\w.×]+|"[^"\n]*"?|#[^\n]*|->|\S/g;

/**
 * Where the text passes MAX_TOKENS, counted by a regular expression before any token is
 * built (building half a million objects is the cost the budget avoids); undefined within it.
 */
function tokenBudgetEnd(text: string): number | undefined {
  if (text.length <= MAX_TOKENS) return undefined;
  TOKENISH.lastIndex = 0;
  let count = 0;
  while (TOKENISH.exec(text) !== null) {
    if (++count > MAX_TOKENS) return TOKENISH.lastIndex - 1;
  }
  return undefined;
}

/** Whether a token, a space or a comment may start at `pos`. */
function startsToken(text: string, pos: number): boolean {
  const ch = text[pos]!;
  return ch === " " || ch === "\t" || ch === "\r" || ch === "#" || ch === '"' || ch === "→" || ch in PUNCTUATION || isDigit(ch) || isIdentStart(ch) || (ch === "." && isDigit(text[pos + 1] ?? ""));
}

/** A character as an error message quotes it: control characters by code point, never raw. */
function describeChar(ch: string): string {
  const code = ch.codePointAt(0)!;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? `U+${code.toString(16).toUpperCase().padStart(4, "0")}` : `'${ch}'`;
}

function isDigit(ch: string): boolean {
  return ch >= "0" && ch <= "9";
}

function isIdentStart(ch: string): boolean {
  return (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || ch === "_";
}

function isIdentPart(ch: string): boolean {
  return isIdentStart(ch) || isDigit(ch) || ch === ".";
}

function scanIdent(text: string, pos: number): number {
  while (pos < text.length && isIdentPart(text[pos]!)) pos++;
  // A trailing dot belongs to no name (`a.` is a typo); leave it for an error elsewhere.
  while (text[pos - 1] === ".") pos--;
  return pos;
}

/** Scans digits, an optional fraction and an optional exponent (`1e-4`). */
function scanNumber(text: string, pos: number): number {
  while (isDigit(text[pos] ?? "")) pos++;
  if (text[pos] === "." && isDigit(text[pos + 1] ?? "")) {
    pos++;
    while (isDigit(text[pos] ?? "")) pos++;
  }
  if ((text[pos] === "e" || text[pos] === "E") && (isDigit(text[pos + 1] ?? "") || ((text[pos + 1] === "-" || text[pos + 1] === "+") && isDigit(text[pos + 2] ?? "")))) {
    pos += 2;
    while (isDigit(text[pos] ?? "")) pos++;
  }
  return pos;
}
