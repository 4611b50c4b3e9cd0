/**
 * Models from files: `.netfig` text, the name of a bundled template, or an ONNX model,
 * read and analysed. Library code: nothing here writes to stdout or stderr; what a compiler
 * would print as warnings comes back as data (`LoadedModel.warnings`).
 */

import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { basename, extname } from "node:path";
import { gunzipSync } from "node:zlib";
import { analyze } from "../analyze/analyze.js";
import { analyzeSource } from "../analyze/source.js";
import type { AnalyzedGraph } from "../analyze/types.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { invalidFile } from "../engine/io/invalid.js";
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

/** The first `count` bytes of FILE (fewer when it is shorter); empty for anything but a regular file. */
function firstBytes(file: string, count: number): Buffer {
  if (!existsSync(file) || !statSync(file).isFile()) return Buffer.alloc(0);
  const head = Buffer.alloc(count);
  const fd = openSync(file, "r");
  try {
    return head.subarray(0, readSync(fd, head, 0, count, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * An ONNX model by extension, or by its first byte: protobuf writes ModelProto's field 1
 * (ir_version, a varint) first, tag 0x08, a control character no text file starts with.
 */
function isOnnx(file: string, head: Buffer): boolean {
  return extname(file).toLowerCase() === ".onnx" || head[0] === 0x08;
}

/** gzip's magic number: `model.onnx.gz` and `net.netfig.gz` are read through it. */
const isGzip = (head: Buffer): boolean => head[0] === 0x1f && head[1] === 0x8b;

/** A gzip-compressed model, unpacked in memory up to the size the unpacked file could have. */
function readGzipped(file: string): ModelSource {
  let bytes: Buffer;
  try {
    bytes = gunzipSync(readBounded(file, MAX_BINARY_BYTES), { maxOutputLength: MAX_BINARY_BYTES });
  } catch (error) {
    const tooLarge = (error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE";
    throw invalidFile(file, tooLarge ? `unpacks to more than ${MAX_BINARY_BYTES / 2 ** 20} MiB` : "is not a valid gzip file (it starts like one)", tooLarge ? undefined : "check the download, or unpack it with gunzip and read the unpacked file");
  }
  if (bytes[0] === 0x08) return { kind: "onnx", file, bytes };
  if (bytes.length > MAX_TEXT_BYTES) throw invalidFile(file, `unpacks to ${bytes.length} bytes, more than a .netfig text may have (${MAX_TEXT_BYTES / 2 ** 20} MiB)`);
  return { kind: "text", name: file, text: bytes.toString("utf8") };
}

/** Reads FILE (a path, or a bundled template's name; gzip-compressed or not) without analysing it; throws NetfigError when there is none or it cannot be unpacked. */
export function readModel(file: string): ModelSource {
  const head = firstBytes(file, 2);
  if (isGzip(head)) return readGzipped(file);
  if (isOnnx(file, head)) {
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
