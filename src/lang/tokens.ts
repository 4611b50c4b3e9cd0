import type { SourceLocation } from "./diagnostics.js";

export type TokenKind =
  | "number"
  | "dims"
  | "ident"
  | "string"
  | "arrow"
  | "colon"
  | "lbrace"
  | "rbrace"
  | "lparen"
  | "rparen"
  | "lbracket"
  | "rbracket"
  | "comma"
  | "equals"
  | "slash"
  | "star"
  | "plus"
  | "minus"
  | "percent"
  | "newline"
  | "eof";

export interface Token {
  kind: TokenKind;
  /** The text as written. */
  text: string;
  /** Numeric value of a `number` token; dimensions of a `dims` token (`224x224x3`). */
  value?: number;
  dims?: number[];
  loc: SourceLocation;
}

/** How a token kind reads in an error message. */
export function describeToken(token: Token): string {
  switch (token.kind) {
    case "newline":
      return "end of line";
    case "eof":
      return "end of file";
    case "string":
      return `string ${token.text}`;
    default:
      return `'${token.text}'`;
  }
}
