/**
 * pdfkit as the PDF renderer loads it: its CommonJS build, by its real path, without
 * evaluating three packages that it and fontkit load with themselves but that a netfig PDF
 * never calls. Each of those is a stand-in that loads the real package at its first use, so
 * nothing changes but when the cost is paid; their loading was a third of pdfkit's
 * (measured with --cpu-prof: 0.14 of 0.43 s on a busy machine).
 */

import { realpathSync } from "node:fs";
import { createRequire, Module } from "node:module";
import type PDFDocument from "pdfkit";

const require = createRequire(import.meta.url);

/** [the package that requires it, the package]: what a netfig PDF does not call. */
const LOADED_AT_FIRST_USE: [string, string][] = [
  // Fonts: pdfkit is handed font objects (pdf-font.ts); fontkit is needed only for text the
  // metrics table does not set, and is then the one text/measure.ts loads.
  ["pdfkit", "fontkit"],
  // Line breaking: every label is one line, drawn with `lineBreak: false`.
  ["pdfkit", "linebreak"],
  // Encryption: the PDFs are not encrypted.
  ["pdfkit", "@noble/ciphers/aes"],
  // WOFF2 decompression: the fonts are TrueType (see text/fonts.ts).
  ["fontkit", "brotli/decompress.js"],
];

/**
 * Puts a stand-in for `file` into require's cache: a function (the packages export a class,
 * a function or an object of functions) whose calls, constructions and properties are the
 * real module's, loaded then.
 */
function loadAtFirstUse(file: string): void {
  if (require.cache[file]) return;
  let real: ((...args: unknown[]) => unknown) | undefined;
  const load = () => {
    if (!real) {
      delete require.cache[file];
      real = require(file) as (...args: unknown[]) => unknown;
    }
    return real;
  };
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = new Proxy(function standIn() {}, {
    apply: (_, self, args) => Reflect.apply(load(), self, args),
    construct: (_, args) => Reflect.construct(load(), args) as object,
    get: (_, key) => Reflect.get(load(), key),
    has: (_, key) => Reflect.has(load(), key),
  });
  require.cache[file] = standIn;
}

/**
 * By real paths: after a read of piped stdin (`render - -o x.pdf`) Node 20's loader can
 * leave a symlinked package's path unresolved, and pdfkit would then look for its own
 * dependencies beside the link instead of beside itself (pnpm's layout, linked installs).
 */
export function loadPdfkit(): typeof PDFDocument {
  const pdfkit = realpathSync(require.resolve("pdfkit"));
  const parents: Record<string, string> = { pdfkit, fontkit: realpathSync(createRequire(pdfkit).resolve("fontkit")) };
  for (const [parent, name] of LOADED_AT_FIRST_USE) {
    let file: string;
    try {
      file = realpathSync(createRequire(parents[parent]!).resolve(name));
    } catch {
      continue; // A version without it: nothing to put off.
    }
    loadAtFirstUse(file);
  }
  return require(pdfkit) as typeof PDFDocument;
}
