/**
 * Watching one file across every way editors save it: in place, truncate-and-write, or
 * a new file renamed over the old one (`sed -i`, `mv`, safe-write). Raw `fs.watch` on the
 * file loses track after the first rename; chokidar watches the folder and follows the
 * name.
 */

import { watch } from "chokidar";
import { basename, dirname, resolve } from "node:path";

/** Bursts of events closer than this (truncate, write, rename) make one change. */
const SETTLE_MS = 40;

export interface FileWatcher {
  /** Resolves when the watcher is listening, so a save right after it is seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Calls `onChange` once per save of `file` (after it settles); a deleted file is waited for, not an error. */
export function watchFile(file: string, onChange: () => void): FileWatcher {
  const target = resolve(file);
  let timer: NodeJS.Timeout | undefined;
  // The folder, filtered to the one name: a file replaced by rename is a new inode, and
  // watching the folder sees it arrive under the old name.
  const watcher = watch(dirname(target), {
    ignoreInitial: true,
    depth: 0,
    ignored: (path: string) => path !== dirname(target) && basename(path) !== basename(target),
  });
  const changed = (path: string): void => {
    if (resolve(path) !== target) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  watcher.on("add", changed).on("change", changed);
  const ready = new Promise<void>((done) => watcher.once("ready", () => done()));
  return {
    ready,
    close: async () => {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
