// Makes the bundle's V8 code cache (dist/cli/bundle/netfig.cache; see bin/bundle.js): runs
// the commands most runs are — a small figure to SVG and to PDF, a figure on two towers (ELK),
// `check` and `summary` — from the bundle compiled from source, then writes what V8 compiled
// for them. Run by scripts/build-cli.mjs in a Node of its own, started as the command line
// is, so the cache's flags are the command line's. `node scripts/code-cache.mjs [root]`.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = resolve(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
const { loadBundle, codeCacheFile } = createRequire(import.meta.url)(join(root, "bin", "bundle.js"));
const { exports, script } = loadBundle({ useCache: false });
const out = mkdtempSync(join(tmpdir(), "netfig-code-cache-"));
try {
  const commands = [
    ["render", "lenet5", "-o", join(out, "x.svg")],
    ["render", "lenet5", "-o", join(out, "x.pdf")],
    ["render", "alexnet", "--width", "85mm", "-o", join(out, "y.pdf")],
    ["check", "resnet18"],
    ["summary", "lenet5"],
  ];
  for (const command of commands) {
    const status = await exports.main(command);
    if (status !== 0) throw new Error(`code cache: netfig ${command.join(" ")} exited ${status}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const temporary = `${codeCacheFile}.${process.pid}.tmp`;
writeFileSync(temporary, script.createCachedData());
renameSync(temporary, codeCacheFile);
