import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { invalidFile, systemReason } from "./invalid.js";

/**
 * Reading files whose size the user controls, never without bound: a regular file larger
 * than the limit is refused before it is read, and a device or pipe (`/dev/zero`, stdin)
 * is read only up to the limit.
 */

const MIB = 1024 * 1024;
/** A `.netfig` text: the largest real one is a few hundred kilobytes. */
export const MAX_TEXT_BYTES = 64 * MIB;
/** A model, weights or tensor file: what a Node buffer and protobuf's 2 GiB limit allow. */
export const MAX_BINARY_BYTES = 2047 * MIB;
/** What a device or pipe (no size to check first) may give before netfig stops reading it. */
const MAX_STREAM_BYTES = 256 * MIB;

function megabytes(bytes: number): string {
  return `${Math.round(bytes / MIB)} MiB`;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Reads `path` (or file descriptor 0, stdin) whole, up to `limit` bytes; `name` is how messages call it. */
export function readBounded(path: string | 0, limit: number, name: string = String(path)): Buffer {
  let fd: number;
  try {
    fd = path === 0 ? 0 : openSync(path, "r");
  } catch (error) {
    throw invalidFile(name, `cannot read: ${systemReason(error)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw invalidFile(name, "cannot read: is a folder, not a file");
    if (stat.isFile() && stat.size > limit) throw invalidFile(name, `is ${megabytes(stat.size)}, larger than the ${megabytes(limit)} netfig reads`);
    // Without a size to check, a stream is read to a smaller bound: `/dev/zero` is refused in a second, not after gigabytes.
    if (!stat.isFile()) limit = Math.min(limit, MAX_STREAM_BYTES);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // A regular file in one read of its size (and one more byte, to see that it ended).
      const wanted = stat.isFile() ? Math.max(MIB, stat.size - total + 1) : MIB;
      const chunk = Buffer.allocUnsafe(Math.min(wanted, limit + 1 - total));
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        // A non-blocking stdin says "try again" rather than waiting for the writer.
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") {
          sleep(5);
          continue;
        }
        throw invalidFile(name, `cannot read: ${systemReason(error)}`);
      }
      if (read === 0) break;
      total += read;
      if (total > limit) throw invalidFile(name, `holds more than the ${megabytes(limit)} netfig reads`, "is it a device or an endless stream? give a file");
      chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } finally {
    if (path !== 0) closeSync(fd);
  }
}
