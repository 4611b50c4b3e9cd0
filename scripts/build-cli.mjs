// Builds the command line's bundle, dist/cli/bundle/netfig.js, from the compiled dist/ (run
// after tsc; `npm run build`, `prepare` and `npm test` do): one file in place of the 120
// modules a command would otherwise resolve, read and link, plus a chunk per part that only
// some commands load (PDF, PNG, PowerPoint, TikZ, the engine, ONNX, the preview server), so
// those parts and the packages they import load at first use, as from dist/. The packages
// stay outside, except commander, which every command uses. Each module keeps its own
// `import.meta.url` (rewritten to its dist/ file's URL), so fonts, templates, the sample
// image, the worker and package.json are found exactly as from dist/. Beside the entry,
// inputs.json lists the dist/ files the bundle was made of: bin/netfig.js runs it only while
// none of them is newer. Each file is written whole and renamed into place, the entry last.
// `node scripts/build-cli.mjs [root]`.
import { build } from "esbuild";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const BUNDLED_PACKAGES = new Set(["commander"]);

export async function buildCli(root = fileURLToPath(new URL("..", import.meta.url))) {
  const dist = join(root, "dist");
  const outdir = join(dist, "cli", "bundle");
  const entry = join(outdir, "netfig.js");
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED_PACKAGES.has(name));
  const ownUrls = {
    name: "netfig-module-urls",
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + "/")) return undefined;
        const source = readFileSync(args.path, "utf8");
        const own = JSON.stringify(relative(outdir, args.path));
        return { contents: source.replaceAll("import.meta.url", `new URL(${own}, import.meta.url).href`), loader: "js" };
      });
    },
  };
  const result = await build({
    entryPoints: { netfig: join(dist, "cli", "main.js") },
    outdir,
    splitting: true,
    chunkNames: "[name]-[hash]",
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    external: [...external, ...external.map((name) => `${name}/*`)],
    plugins: [ownUrls],
    metafile: true,
    // The metafile's input paths are relative to this folder, whatever folder the build runs from.
    absWorkingDir: root,
    write: false,
    // commander is CommonJS: its require() of Node's modules needs a require in an ES module.
    banner: { js: 'import { createRequire as __netfigCreateRequire } from "node:module";\nconst require = __netfigCreateRequire(import.meta.url);' },
    legalComments: "none",
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs)
    .map((input) => resolve(root, input))
    .filter((file) => file.startsWith(dist + "/"))
    .map((file) => relative(root, file))
    .sort();
  mkdirSync(outdir, { recursive: true });
  // Chunks and the list first: an entry newer than them would be checked against old ones.
  const chunks = result.outputFiles.filter((file) => file.path !== entry);
  for (const chunk of chunks) writeAtomically(chunk.path, chunk.contents);
  writeAtomically(join(outdir, "inputs.json"), JSON.stringify(inputs) + "\n");
  writeAtomically(entry, result.outputFiles.find((file) => file.path === entry).contents);
  const kept = new Set(["netfig.js", "inputs.json", ...chunks.map((chunk) => relative(outdir, chunk.path))]);
  for (const name of readdirSync(outdir)) if (!kept.has(name)) rmSync(join(outdir, name));
  return { entry, inputs };
}

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli(process.argv[2] ? resolve(process.argv[2]) : undefined);
