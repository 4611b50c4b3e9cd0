import { readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { formatDiagnostic } from "../lang/diagnostics.js";
import { analyzeModel, readModel, type LoadedModel, type ModelSource } from "../load/model.js";

/** Sources read so far, by the name diagnostics use, so errors can quote the line. */
export const sources = new Map<string, string>();

/** Reads FILE, `-` (stdin) or the name of a bundled template, and keeps a text for quoting in diagnostics. */
function readInput(file: string): ModelSource {
  const source: ModelSource = file === "-" ? { kind: "text", name: "<stdin>", text: readFileSync(0, "utf8") } : readModel(file);
  if (source.kind === "text") sources.set(source.name, source.text);
  return source;
}

/** Reads and analyses FILE as the library does; its warnings go to stderr, as a compiler's do. */
export async function loadModel(file: string): Promise<LoadedModel> {
  const model = await analyzeModel(readInput(file));
  for (const warning of model.warnings) process.stderr.write(formatDiagnostic(warning) + "\n");
  return model;
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
