import { closeSync, existsSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import { analyze } from "../analyze/analyze.js";
import type { AnalyzedGraph, AnalyzedNetwork } from "../analyze/types.js";
import type { OnnxImport } from "../import/onnx/import.js";
import { formatDiagnostic, NetfigError } from "../lang/diagnostics.js";
import { analyzeSource } from "../pipeline.js";
import { UsageError } from "./report.js";
import { findTemplate } from "./templates.js";

/** Sources read so far, by the name diagnostics use, so errors can quote the line. */
export const sources = new Map<string, string>();

/** Reads FILE, `-` (stdin) or the name of a bundled template. */
export function readSource(file: string): { text: string; name: string } {
  if (file === "-") {
    const text = readFileSync(0, "utf8");
    sources.set("<stdin>", text);
    return { text, name: "<stdin>" };
  }
  if (!existsSync(file)) {
    const template = findTemplate(file);
    if (template) {
      const text = readFileSync(template, "utf8");
      const name = `${basename(template)}`;
      sources.set(name, text);
      return { text, name };
    }
    throw new NetfigError([{ severity: "error", message: `${file}: no such file or template`, hint: "run `netfig templates` to list the bundled ones" }]);
  }
  const text = readFileSync(file, "utf8");
  sources.set(file, text);
  return { text, name: file };
}

/**
 * An ONNX model by extension, or by its first byte: protobuf writes ModelProto's field 1
 * (ir_version, a varint) first, tag 0x08, a control character no text file starts with.
 */
function isOnnx(file: string): boolean {
  if (extname(file).toLowerCase() === ".onnx") return true;
  if (file === "-" || !existsSync(file) || !statSync(file).isFile()) return false;
  const first = Buffer.alloc(1);
  const fd = openSync(file, "r");
  try {
    return readSync(fd, first, 0, 1, 0) === 1 && first[0] === 0x08;
  } finally {
    closeSync(fd);
  }
}

/** Imports an ONNX model (warnings go to stderr, as a compiler's do) and analyses it. */
async function loadOnnx(file: string): Promise<LoadedModel> {
  if (!existsSync(file)) throw new NetfigError([{ severity: "error", message: `${file}: no such file` }]);
  // protobufjs loads only for ONNX files.
  const { importOnnx } = await import("../import/onnx/import.js");
  const onnx = importOnnx(readFileSync(file), file);
  for (const warning of onnx.warnings) process.stderr.write(formatDiagnostic(warning) + "\n");
  return { analyzed: analyze(onnx.graph), onnx };
}

/** An analysed file; for an ONNX model also its initializers and tensor names. */
export interface LoadedModel {
  analyzed: AnalyzedGraph;
  onnx?: OnnxImport;
}

/** Reads and analyses FILE (.netfig text, a template name, or an ONNX model); throws NetfigError for invalid input. */
export async function loadModel(file: string): Promise<LoadedModel> {
  if (isOnnx(file)) return loadOnnx(file);
  const { text, name } = readSource(file);
  return { analyzed: analyzeSource(text, name) };
}

export async function loadAnalyzed(file: string): Promise<AnalyzedGraph> {
  return (await loadModel(file)).analyzed;
}

/**
 * Writes a complete output or nothing: the bytes go to a temporary file beside the
 * target and replace it by rename, so a failed run never leaves half a file behind.
 * `-` writes to stdout.
 */
export function writeOutput(path: string, data: string | Uint8Array): void {
  if (path === "-") {
    process.stdout.write(data);
    return;
  }
  const target = resolve(path);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, data);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** The network `--network NAME` picks, or the file's first. */
export function chooseNetwork(graph: AnalyzedGraph, name: string | undefined): AnalyzedNetwork {
  const found = name === undefined ? graph.networks[0] : graph.networks.find((n) => n.network.name === name);
  if (!found) {
    const names = graph.networks.map((n) => n.network.name).join(", ");
    throw new UsageError(`--network: no network '${name}' in ${graph.file} (it has ${names})`);
  }
  return found;
}
