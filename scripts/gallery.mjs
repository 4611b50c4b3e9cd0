#!/usr/bin/env node
/**
 * Regenerates the examples gallery: for every bundled template, examples/NAME.netfig (a
 * copy of the template) with its SVG, PDF and PNG, and examples/README.md showing each
 * PNG with the exact command that made it; likewise models imported from ONNX (the
 * torchvision exports of tests/fixtures/onnx, copied in as NAME.onnx). Every figure is made by running that command
 * in examples/, so what the README says is what ran. A file of several networks gives one
 * figure per network (NAME-NETWORK.*).
 *
 * Usage: npm run gallery. It compiles src/ into a private folder and runs the CLI from there:
 * dist/ is shared with whoever else is building, and a build halfway through a run would
 * mix old and new modules.
 * tests/gallery/gallery.test.ts fails when a committed output is stale.
 */

import { execFile } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TEMPLATES = join(ROOT, "templates");
const ONNX_FIXTURES = join(ROOT, "tests", "fixtures", "onnx");
const EXAMPLES = join(ROOT, "examples");
// Inside the project, so the build still resolves node_modules (fonts, resvg, pdfkit).
const BUILD = join(ROOT, ".gallery-build");
const CLI = join(BUILD, "netfig.mjs");
const DPI = "150";

/** The order a lecture on architectures takes; templates not listed follow alphabetically. */
const ORDER = [
  "perceptron", "newff", "mlp", "rbm", "dbn",
  "lenet5", "lenet5-original", "alexnet", "alexnet-single", "zfnet", "vgg16", "vgg19",
  "googlenet", "inception-naive", "inception-bottleneck",
  "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
  "plain20-cifar", "plain56-cifar", "resnet20-cifar", "resnet56-cifar",
  "rnn", "gan", "edge-detection", "receptive-field",
];

/**
 * Templates whose figure a reviewer would send back today, with the reason; they are left
 * out of the gallery (and listed in its README) until the drawing is fixed.
 */
const HELD_BACK = {};

/**
 * Models drawn from ONNX as PyTorch exported them (graph only, so the files stay small):
 * example name → fixture, the flags it is drawn with, and what it shows.
 */
const ONNX = [
  {
    name: "resnet50-onnx",
    fixture: "resnet50",
    flags: ["--fold-repeats"],
    description: "ResNet-50 as torchvision exports it to ONNX: stages and blocks from the module names, each stage's equal bottlenecks drawn once with ×N",
  },
  {
    name: "mobilenet_v2-onnx",
    fixture: "mobilenet_v2",
    flags: ["--fold-repeats"],
    description: "MobileNet-V2 as torchvision exports it to ONNX: inverted residual blocks (features.N), equal neighbours drawn once with ×N",
  },
];

/** Network names of a file of several `network NAME { }` blocks; empty for a single network. */
function networksOf(text) {
  return [...text.matchAll(/^network\s+([\w.-]+)\s*\{/gm)].map((m) => m[1]);
}

function describe(text) {
  return (text.split("\n").find((l) => l.startsWith("#")) ?? "").replace(/^#\s*/, "");
}

/** Runs tasks with at most `limit` at a time, keeping their order in the result. */
async function pooled(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

rmSync(BUILD, { recursive: true, force: true });
await run(join(ROOT, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.json", "--outDir", BUILD, "--declaration", "false"], { cwd: ROOT });
// bin/netfig.js, pointed at the private build.
writeFileSync(CLI, 'import { main } from "./cli/main.js";\nprocess.exitCode = await main(process.argv.slice(2));\n');

const names = readdirSync(TEMPLATES).filter((f) => f.endsWith(".netfig")).map((f) => f.slice(0, -".netfig".length));
const ordered = [...ORDER.filter((n) => names.includes(n)), ...names.filter((n) => !ORDER.includes(n)).sort()];

const figures = [];
for (const name of ordered) {
  if (name in HELD_BACK) continue;
  const text = readFileSync(join(TEMPLATES, `${name}.netfig`), "utf8");
  copyFileSync(join(TEMPLATES, `${name}.netfig`), join(EXAMPLES, `${name}.netfig`));
  const networks = networksOf(text);
  for (const network of networks.length > 0 ? networks : [undefined]) {
    figures.push({ source: `${name}.netfig`, network, flags: [], out: network ? `${name}-${network}` : name, description: describe(text) });
  }
}
for (const model of ONNX) {
  copyFileSync(join(ONNX_FIXTURES, `${model.fixture}.onnx`), join(EXAMPLES, `${model.name}.onnx`));
  figures.push({ source: `${model.name}.onnx`, flags: model.flags, out: model.name, description: model.description });
}

const commands = figures.flatMap((f) =>
  ["svg", "pdf", "png"].map((format) => {
    const args = ["render", f.source, ...(f.network ? ["--network", f.network] : []), ...f.flags, "-o", `${f.out}.${format}`, ...(format === "png" ? ["--dpi", DPI] : [])];
    return { figure: f, format, args };
  }),
);
await pooled(
  commands.map((c) => async () => {
    await run(process.execPath, [CLI, ...c.args], { cwd: EXAMPLES });
    process.stderr.write(`examples/${c.figure.out}.${c.format}\n`);
  }),
  availableParallelism(),
);

rmSync(BUILD, { recursive: true, force: true });

const row = (c) => `| ![${c.figure.out}](${c.figure.out}.png) | ${c.figure.description}${c.figure.network ? ` (${c.figure.network})` : ""}<br>\`netfig ${c.args.join(" ")}\` |`;
const pngs = commands.filter((c) => c.format === "png");
const rows = pngs.filter((c) => c.figure.source.endsWith(".netfig")).map(row);
const imported = pngs.filter((c) => c.figure.source.endsWith(".onnx")).map(row);
const held = Object.entries(HELD_BACK).map(([name, why]) => `- \`${name}\`: ${why}.`);
writeFileSync(
  join(EXAMPLES, "README.md"),
  `# Examples

Every bundled template, drawn by netfig. Each figure was made from the source beside it
with the command shown, run in this folder (SVG and PDF alike: \`-o NAME.svg\`,
\`-o NAME.pdf\`). \`npm run gallery\` regenerates all of it; a test fails when a file here
is older than the code that draws it.

| figure | source and command |
|---|---|
${rows.join("\n")}
${held.length > 0 ? `\nNot shown yet, because the figure is not good enough:\n\n${held.join("\n")}\n` : ""}
## Imported from ONNX

torchvision's models as \`torch.onnx.export\` writes them (graph only, no weights; see
tests/fixtures/onnx/generate.py), drawn straight from the \`.onnx\` file beside each figure.
Stages and blocks come from the module names in the file; shapes and counts equal PyTorch's.

| figure | source and command |
|---|---|
${imported.join("\n")}
`,
);
