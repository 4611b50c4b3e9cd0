// Makes the V8 code caches of the bundle (dist/cli/bundle/netfig.cache; see bin/bundle.js)
// and of the packages it loads (packages.cache; bin/package-cache.js): runs the commands most
// runs are — a small figure to SVG and to PDF, a figure on two towers at 85 mm, a label that
// needs shaping, `check` and `summary` — from the bundle compiled from source, then writes
// what V8 compiled for them. Run by scripts/build-cli.mjs in a Node of its own, started as the command line
// is, so the cache's flags are the command line's. `node scripts/code-cache.mjs [root]`.
//
// The commands run with Sparkplug (V8's baseline compiler) off. A function Sparkplug compiles
// is marked so in the cache, and every later run then compiles it to machine code early, hot
// there or not: after the six commands here, a small figure's run compiled 0.8 MB of machine
// code instead of the 0.2–0.3 MB it compiles without a cache, about 5 ms of its 40. Sparkplug
// is on again, and the flags are the command line's, before the caches are taken: V8 checks a
// cache against the flags at that time.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";

const root = resolve(process.argv[2] ?? fileURLToPath(new URL("..", import.meta.url)));
const require = createRequire(import.meta.url);
const { loadBundle, codeCacheFile } = require(join(root, "bin", "bundle.js"));
const { recordPackageCompiles, writePackageCodeCache } = require(join(root, "bin", "package-cache.js"));
const packages = recordPackageCompiles();
const { exports, script } = loadBundle({ useCache: false });
setFlagsFromString("--no-sparkplug");
const out = mkdtempSync(join(tmpdir(), "netfig-code-cache-"));
const greek = join(out, "greek.netfig");
writeFileSync(greek, 'figure {\n  title: "β-VAE"\n}\ninput 28x28x1\nconv 8 3x3\n');
try {
  const commands = [
    ["render", "lenet5", "-o", join(out, "x.svg")],
    ["render", "lenet5", "-o", join(out, "x.pdf")],
    ["render", "alexnet", "--width", "85mm", "-o", join(out, "y.pdf")],
    // A label that needs shaping, so fontkit's modules are in the cache too.
    ["render", greek, "-o", join(out, "z.pdf")],
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
setFlagsFromString("--sparkplug");
writePackageCodeCache(packages);
const temporary = `${codeCacheFile}.${process.pid}.tmp`;
writeFileSync(temporary, script.createCachedData());
renameSync(temporary, codeCacheFile);
