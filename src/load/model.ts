/**
 * Models from files: `.netfig` text, the name of a bundled template, or an ONNX model,
 * read and analysed. Library code: nothing here writes to stdout or stderr; what a compiler
 * would print as warnings comes back as data (`LoadedModel.warnings`).
 */

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { analyze } from "../analyze/analyze.js";
import { analyzeSource } from "../analyze/source.js";
import type { AnalyzedGraph } from "../analyze/types.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { MAX_BINARY_BYTES, MAX_TEXT_BYTES, readBounded } from "../engine/io/read.js";
import { NetfigError, type Diagnostic } from "../lang/diagnostics.js";
import { findTemplate } from "./templates.js";

/** A model's bytes before analysis: a text (with the name its diagnostics use) or an ONNX file. */
export type ModelSource = { kind: "text"; name: string; text: string } | { kind: "onnx"; file: string; bytes: Uint8Array };

/** An analysed model; for an ONNX model also its initializers and tensor names. */
export interface LoadedModel {
  analyzed: AnalyzedGraph;
  onnx?: OnnxImport;
  /** What loading noticed without failing (an ONNX model's unknown ops, ignored attributes). */
  warnings: Diagnostic[];
}

/**
 * An ONNX model by extension, or by its first byte: protobuf writes ModelProto's field 1
 * (ir_version, a varint) first, tag 0x08, a control character no text file starts with.
 */
function isOnnx(file: string): boolean {
  if (extname(file).toLowerCase() === ".onnx") return true;
  if (!existsSync(file) || !statSync(file).isFile()) return false;
  const first = Buffer.alloc(1);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, first, 0, 1, 0) === 1 && first[0] === 0x08;
  } finally {
    closeSync(fd);
  }
}

/** Reads FILE (a path, or a bundled template's name) without analysing it; throws NetfigError when there is none. */
export function readModel(file: string): ModelSource {
  if (isOnnx(file)) {
    if (!existsSync(file)) throw new NetfigError([{ severity: "error", message: `${file}: no such file` }]);
    return { kind: "onnx", file, bytes: readBounded(file, MAX_BINARY_BYTES) };
  }
  if (!existsSync(file)) {
    const template = findTemplate(file);
    if (template) return { kind: "text", name: basename(template), text: readFileSync(template, "utf8") };
    throw new NetfigError([{ severity: "error", message: `${file}: no such file or template`, hint: "run `netfig templates` to list the bundled ones" }]);
  }
  return { kind: "text", name: file, text: readBounded(file, MAX_TEXT_BYTES).toString("utf8") };
}

/** Analyses a read model; throws NetfigError for invalid input. */
export async function analyzeModel(source: ModelSource): Promise<LoadedModel> {
  if (source.kind === "text") return { analyzed: analyzeSource(source.text, source.name), warnings: [] };
  // protobufjs loads only for ONNX files.
  const { importOnnx } = await import("../import/onnx/import.js");
  const onnx = importOnnx(source.bytes, source.file);
  return { analyzed: analyze(onnx.graph), onnx, warnings: onnx.warnings };
}

/** Reads and analyses FILE (.netfig text, a template name, or an ONNX model); throws NetfigError for invalid input. */
export async function loadModel(file: string): Promise<LoadedModel> {
  return analyzeModel(readModel(file));
}
