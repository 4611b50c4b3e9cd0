/**
 * PDF's lexical forms, written so that the same value always gives the same bytes and no
 * untrusted text can end a string or a name early: numbers in plain decimal, strings as
 * escaped literals or UTF-16 hex, names from a fixed alphabet.
 */

/** Four decimals: a ten-thousandth of a point, far below any device's resolution. */
const PRECISION = 1e4;

/** Beyond this PDF readers lose integer precision (and JavaScript would print exponents). */
const LARGEST = 1e12;

/** A number in PDF's real syntax: plain decimal, at most four decimals, never `-0` or an exponent. */
export function num(n: number): string {
  if (!Number.isFinite(n) || Math.abs(n) > LARGEST) throw new RangeError(`renderPdf: ${n} cannot be written in a PDF (a coordinate or size is not finite or beyond ±1e12)`);
  const rounded = Math.round(n * PRECISION) / PRECISION;
  return rounded === 0 ? "0" : String(rounded);
}

/** A byte string as a literal `( … )`: parentheses, backslashes and every byte outside printable ASCII escaped. */
export function literal(bytes: string): string {
  let out = "(";
  for (let i = 0; i < bytes.length; i++) {
    const code = bytes.charCodeAt(i);
    if (code > 0xff) throw new RangeError("renderPdf: a literal string holds bytes, not characters past U+00FF");
    const char = bytes[i]!;
    if (char === "(" || char === ")" || char === "\\") out += `\\${char}`;
    else if (code >= 0x20 && code < 0x7f) out += char;
    else out += `\\${code.toString(8).padStart(3, "0")}`;
  }
  return `${out})`;
}

/**
 * A text string (the document title): printable ASCII as a literal, anything else as
 * UTF-16BE with a byte-order mark in hex, which is what PDF's text strings are.
 */
export function textString(text: string): string {
  if (/^[\x20-\x7e]*$/.test(text)) return literal(text);
  let hex = "<FEFF";
  for (let i = 0; i < text.length; i++) hex += hex4(text.charCodeAt(i));
  return `${hex}>`;
}

/** A 16-bit value as four upper-case hex digits (glyph ids, UTF-16 units). */
export function hex4(value: number): string {
  return value.toString(16).toUpperCase().padStart(4, "0");
}

/** A date as PDF writes it, in UTC: D:YYYYMMDDHHmmSSZ. */
export function pdfDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new RangeError("renderPdf: the document date is not a valid date");
  const iso = date.toISOString(); // 2000-01-01T00:00:00.000Z
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** A name object `/…`: bytes outside printable ASCII, `#` and PDF's delimiters written as #XX (a font file's name is not ours). */
export function name(text: string): string {
  let out = "/";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    out += byte > 0x20 && byte < 0x7f && !"#()<>[]{}/%".includes(char) ? char : `#${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
