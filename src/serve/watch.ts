/**
 * Watching one file across every way editors save it: in place, truncate-and-write, or
 * a new file renamed over the old one (`sed -i`, `mv`, safe-write). Raw `fs.watch` on the
 * file loses track after the first rename; chokidar watches the folder and follows the
 * name. A slow stat poll of the path backs it up (a burst of renames can slip between
 * chokidar's folder reads), and each save is handled once: by its inode, time and size.
 */

import { statSync, unwatchFile, watchFile as pollFile, type Stats } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { watch } from "chokidar";

/** Bursts of events closer than this (truncate, write, rename) make one change. */
const SETTLE_MS = 40;
/** The backup poll: a save chokidar missed is seen this late at worst. */
const POLL_MS = 250;

export interface FileWatcher {
  /** Resolves when the watcher is listening, so a save right after it is seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

function versionOf(path: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch {
    return undefined; // Gone for a moment mid-save: the rename that brings it back is the change.
  }
  return `${stats.ino}:${stats.mtimeMs}:${stats.size}`;
}

/** Calls `onChange` once per save of `file` (after it settles); a deleted file is waited for, not an error. */
export function watchFile(file: string, onChange: () => void): FileWatcher {
  const target = resolve(file);
  let handled = versionOf(target);
  let timer: NodeJS.Timeout | undefined;
  const settled = (): void => {
    const version = versionOf(target);
    if (version === undefined || version === handled) return;
    handled = version;
    onChange();
  };
  const changed = (): void => {
    clearTimeout(timer);
    timer = setTimeout(settled, SETTLE_MS);
  };
  // The folder, filtered to the one name: a file replaced by rename is a new inode, and
  // watching the folder sees it arrive under the old name.
  const watcher = watch(dirname(target), {
    ignoreInitial: true,
    depth: 0,
    ignored: (path: string) => path !== dirname(target) && basename(path) !== basename(target),
  });
  watcher.on("add", changed).on("change", changed);
  pollFile(target, { interval: POLL_MS, persistent: false }, changed);
  const ready = new Promise<void>((done) => watcher.once("ready", () => done()));
  return {
    ready,
    close: async () => {
      clearTimeout(timer);
      unwatchFile(target, changed);
      await watcher.close();
    },
  };
}
