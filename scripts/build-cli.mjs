// Builds the command line's bundle, dist/cli/bundle/netfig.cjs, from the compiled dist/ (run
// after tsc; `npm run build`, `prepare` and `npm test` do), and its V8 code cache: one
// CommonJS file in place of the 120 modules a command would otherwise resolve, read, link and
// compile (bin/bundle.js runs it). Parts only some commands use (PDF, PNG, PowerPoint, TikZ,
// the engine, ONNX, the preview server) are in it as modules evaluated at their first
// import, so they and the packages they load cost nothing until then. The packages stay
// outside, except commander, which every command uses. Each module keeps its own
// `import.meta.url` (its dist/ file's URL), so fonts, templates, the sample image, the worker
// and package.json are found exactly as from dist/. Beside the bundle, inputs.json lists the
// dist/ files it was made of: bin/netfig.js runs it only while none of them is newer. The
// code cache is made by running the commands most runs are (scripts/code-cache.mjs) in a
// fresh Node, so it holds what they compile. Each file is written whole and renamed into
// place, the cache last. `node scripts/build-cli.mjs [root]`.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const BUNDLED_PACKAGES = new Set(["commander"]);

/**
 * Commander requires node:child_process at its top, for subcommands that are programs of their
 * own, which netfig has none of; loading it (and net, dgram, the socket bindings with it) cost
 * every command 1–2 ms. In the bundle, commander's one use of it, spawn, requires it then.
 */
const COMMANDER_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const LAZY_CHILD_PROCESS = "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";

export async function buildCli(root = fileURLToPath(new URL("..", import.meta.url))) {
  const dist = join(root, "dist");
  const outdir = join(dist, "cli", "bundle");
  const entry = join(outdir, "netfig.cjs");
  const cache = join(outdir, "netfig.cache");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED_PACKAGES.has(name));
  const ownUrls = {
    name: "netfig-module-urls",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + "/")) return undefined;
        const source = readFileSync(args.path, "utf8");
        const own = JSON.stringify(relative(outdir, args.path));
        return { contents: source.replaceAll("import.meta.url", `__netfigModuleUrl(${own})`), loader: "js" };
      });
    },
  };
  const lazyChildProcess = {
    name: "netfig-commander-child-process",
    setup(b) {
      b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
        const source = readFileSync(args.path, "utf8");
        if (source.split(COMMANDER_CHILD_PROCESS).length !== 2) throw new Error(`${args.path}: expected one ${COMMANDER_CHILD_PROCESS} (commander changed: see COMMANDER_CHILD_PROCESS)`);
        return { contents: source.replace(COMMANDER_CHILD_PROCESS, LAZY_CHILD_PROCESS), loader: "js" };
      });
    },
  };
  const result = await build({
    entryPoints: { netfig: join(dist, "cli", "main.js") },
    outdir,
    outExtension: { ".js": ".cjs" },
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    external: [...external, ...external.map((name) => `${name}/*`)],
    plugins: [ownUrls, lazyChildProcess],
    metafile: true,
    // The metafile's input paths are relative to this folder, whatever folder the build runs from.
    absWorkingDir: root,
    write: false,
    // A module's URL from its path relative to the bundle (outside every module's scope, where `require` is the bundle's own).
    banner: { js: 'const __netfigModuleUrl = (relative) => require("node:url").pathToFileURL(require("node:path").join(__dirname, relative)).href;' },
    legalComments: "none",
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => resolve(root, input))
    .filter((file) => file.startsWith(dist + "/"))
    .map((file) => relative(root, file))
    .sort();
  mkdirSync(outdir, { recursive: true });
  // The old caches go first: V8 checks a cache against the length of the source only.
  rmSync(cache, { force: true });
  rmSync(join(outdir, "packages.cache"), { force: true });
  writeAtomically(join(outdir, "inputs.json"), JSON.stringify(inputs) + "\n");
  writeAtomically(entry, asciiOnly(result.outputFiles[0].text));
  const kept = new Set(["netfig.cjs", "inputs.json"]);
  for (const name of readdirSync(outdir)) if (!kept.has(name)) rmSync(join(outdir, name));
  try {
    execFileSync(process.execPath, [fileURLToPath(new URL("./code-cache.mjs", import.meta.url)), root], { stdio: "pipe", encoding: "utf8" });
  } catch (error) {
    throw new Error(`the code cache was not made:\n${error.stderr ?? error.message}`);
  }
  return { entry, inputs, cache };
}

/**
 * The bundle with every character past ASCII written as a \\u escape (esbuild leaves a few in
 * comments and a regular expression), so bin/bundle.js reads it as Latin-1: a one-byte string
 * made without decoding UTF-8, 5 ms less of every run. The escapes mean the same in strings,
 * templates, regular expressions and identifiers (the bundle reads no template's raw text).
 */
function asciiOnly(source) {
  return source.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli(process.argv[2] ? resolve(process.argv[2]) : undefined);
