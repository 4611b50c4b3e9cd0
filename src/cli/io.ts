import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { AnalyzedGraph } from "../analyze/types.js";
import { NetfigError } from "../lang/diagnostics.js";
import { analyzeSource } from "../pipeline.js";
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

/** Reads and analyses FILE; throws NetfigError with diagnostics for invalid input. */
export async function loadAnalyzed(file: string): Promise<AnalyzedGraph> {
  const { text, name } = readSource(file);
  return analyzeSource(text, name);
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
