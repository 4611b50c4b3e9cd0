import { close, open, renameSync, rmSync, statSync, write, writeFileSync, type Stats } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { systemReason } from "../engine/io/invalid.js";
import { MAX_TEXT_BYTES, readBounded } from "../engine/io/read.js";
import { formatDiagnostic } from "../lang/diagnostics.js";
import { analyzeModel, readModel, type LoadedModel, type ModelSource } from "../load/model.js";
import { terminalSafe } from "./terminal.js";

/** Sources read so far, by the name diagnostics use, so errors can quote the line. */
export const sources = new Map<string, string>();

/** The files read as models so far, so that no output replaces one of them. */
const inputs = new Set<string>();

/** A file the command cannot write (missing folder, a directory, read-only, full, a name too long): one line, exit 1. */
export class OutputError extends Error {}

/** Reads FILE, `-` (stdin) or the name of a bundled template, and keeps a text for quoting in diagnostics. */
function readInput(file: string): ModelSource {
  const source: ModelSource = file === "-" ? { kind: "text", name: "<stdin>", text: readBounded(0, MAX_TEXT_BYTES, "<stdin>").toString("utf8") } : readModel(file);
  if (source.kind === "text") sources.set(source.name, source.text);
  if (file !== "-") rememberInput(file);
  return source;
}

function rememberInput(file: string): void {
  // A template name has nothing on disk to protect.
  if (statOrNothing(file)?.isFile()) inputs.add(file);
}

/** Reads and analyses FILE as the library does; its warnings go to stderr, as a compiler's do. */
export async function loadModel(file: string): Promise<LoadedModel> {
  const model = await analyzeModel(readInput(file));
  for (const warning of model.warnings) process.stderr.write(terminalSafe(formatDiagnostic(warning)) + "\n");
  return model;
}

/**
 * The input `target` would replace, if any: the same file by device and inode, so links and
 * `./x` count too. Both are looked at now, not when the input was read: an editor that saves
 * by rename gives the input a new inode, and the old one may since belong to another file.
 */
function inputAt(target: string): string | undefined {
  const stat = statOrNothing(target);
  if (stat === undefined) return undefined;
  for (const input of inputs) {
    const now = statOrNothing(input);
    if (now !== undefined && now.dev === stat.dev && now.ino === stat.ino) return input;
  }
  return undefined;
}

/** A path that cannot be looked at (missing, a name too long, a folder not searchable) is no file to protect; writing it reports why. */
function statOrNothing(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Exit statuses of a command stopped by a signal, as a shell reports them (128 + the signal's number). */
const SIGNAL_EXIT: Record<"SIGINT" | "SIGTERM", number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * A piece at a time, so that a signal arriving mid-write is handled between pieces, before
 * the rename: the target stays as it was. A piece is large enough that a figure of tens of
 * megabytes takes only a few dozen writes.
 */
const WRITE_PIECE = 1 << 20;

/**
 * Writes a complete output or nothing: the bytes go to a temporary file beside the
 * target and replace it by rename, so a failed run never leaves half a file behind.
 * `-` writes to stdout. Never replaces a file the command read its model from; every
 * file-system failure is an OutputError that names the file and the reason.
 *
 * Ctrl-C (SIGINT) or SIGTERM while the temporary file is open removes it, leaves the
 * target untouched and exits with 130 or 143. The handler is there only for the write:
 * before and after it a signal ends the process as it always does (nothing to clean), and
 * a long synchronous render is not kept from stopping by a handler that could only run after it.
 */
export async function writeOutput(path: string, data: string | Uint8Array): Promise<void> {
  if (path === "-") {
    process.stdout.write(data);
    return;
  }
  const target = resolve(path);
  const input = inputAt(target);
  if (input !== undefined) throw new OutputError(`will not write ${path}: it is the input ${input}; choose another name with -o`);
  const temporary = join(dirname(target), `.${basename(target).slice(0, 200)}.${process.pid}.tmp`);
  const removeTemporary = (): void => {
    try {
      rmSync(temporary, { force: true });
    } catch {
      // Nothing was written there (a missing folder, a name too long).
    }
  };
  const interrupted = (signal: "SIGINT" | "SIGTERM"): void => {
    removeTemporary();
    process.exit(SIGNAL_EXIT[signal]);
  };
  try {
    const existing = statSync(target, { throwIfNoEntry: false });
    if (existing?.isDirectory()) throw Object.assign(new Error("is a folder"), { code: "EISDIR" });
    // A device or pipe (`-o /dev/stdout`) is written to, never renamed over.
    if (existing && !existing.isFile()) return writeFileSync(target, data);
    process.on("SIGINT", interrupted).on("SIGTERM", interrupted);
    try {
      await writePieces(temporary, typeof data === "string" ? Buffer.from(data, "utf8") : data);
      renameSync(temporary, target);
    } finally {
      process.off("SIGINT", interrupted).off("SIGTERM", interrupted);
    }
  } catch (error) {
    removeTemporary();
    throw new OutputError(`cannot write ${path}: ${systemReason(error)}`);
  }
}

async function writePieces(path: string, bytes: Uint8Array): Promise<void> {
  const fd = await settled<number>((done) => open(path, "w", done));
  try {
    for (let at = 0; at < bytes.length; at += WRITE_PIECE) {
      const end = Math.min(bytes.length, at + WRITE_PIECE);
      for (let written = at; written < end; ) written += await settled<number>((done) => write(fd, bytes, written, end - written, null, done));
    }
  } finally {
    await settled<void>((done) => close(fd, done));
  }
}

/**
 * A node:fs call with a callback as a promise. node:fs/promises would do the same, but loading
 * it loads its own modules too (file handles, watchers, readline): 1 ms of every command's start-up.
 */
function settled<T>(call: (done: (error: NodeJS.ErrnoException | null, value: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));
}
