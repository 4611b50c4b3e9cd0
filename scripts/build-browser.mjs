// Builds the browser bundle, one ES module: dist/browser/netfig.js from src/api/browser.ts.
// Node's modules are replaced by the small stand-ins in scripts/browser/ (no file system,
// the sans fonts bundled for measuring), the PDF/PNG/TikZ/PowerPoint renderers (resvg,
// pngjs, pptxgenjs need Node) and the activation run by a
// message saying they need the Node package. `node scripts/build-browser.mjs [outfile]`.
import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const shim = (name) => `${root}scripts/browser/${name}`;
const NODE_MODULES = { fs: "fs.mjs", path: "path.mjs", module: "module.mjs", url: "node-misc.mjs", os: "node-misc.mjs", worker_threads: "node-misc.mjs", zlib: "node-misc.mjs" };

const browserStandIns = {
  name: "netfig-browser",
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|path|module|url|os|worker_threads|zlib)$/ }, (args) => ({ path: shim(NODE_MODULES[args.path.replace(/^node:/, "")]) }));
    b.onResolve({ filter: /\/render\/(pdf|png|tikz|pptx)\.js$|^\.\/activations\.js$/ }, (args) => (args.importer.includes("/src/") ? { path: shim("unavailable.mjs") } : undefined));
  },
};

export async function buildBrowser(outfile = `${root}dist/browser/netfig.js`, options = {}) {
  const result = await build({
    entryPoints: [`${root}src/api/browser.ts`],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    loader: { ".ttf": "binary" },
    plugins: [browserStandIns],
    // Free uses of Buffer (the engine's WebAssembly is base64) and SharedArrayBuffer get stand-ins.
    inject: [shim("buffer.mjs"), shim("shared-memory.mjs")],
    minify: true,
    // The bundled libraries' licence notices stay, at the end of the file.
    legalComments: "eof",
    logLevel: "warning",
    ...options,
  });
  return { outfile, result };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildBrowser(process.argv[2]);
