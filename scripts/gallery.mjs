#!/usr/bin/env node
/**
 * Regenerates the examples gallery: for every bundled template, examples/NAME.netfig (a
 * copy of the template) with its SVG, PDF and PNG at natural size, and the figure printed
 * at one and two journal columns (NAME-85mm.png, NAME-178mm.png: `--width 85mm|178mm
 * --font-size 7`); examples/README.md shows each PNG with the exact command that made it
 * and, beside a printed one, the line the CLI wrote about the arrangement it chose.
 * Likewise models imported from ONNX (the torchvision exports of tests/fixtures/onnx,
 * copied in as NAME.onnx), and a few figures with an arrangement forced by flags (FORCED,
 * shown in the project README). Every figure is made by running that command in
 * examples/, so what the README says is what ran. A file of several networks gives one
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
import { gunzipSync } from "node:zlib";

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TEMPLATES = join(ROOT, "templates");
const ONNX_FIXTURES = join(ROOT, "tests", "fixtures", "onnx");
const EXAMPLES = join(ROOT, "examples");
// Inside the project, so the build still resolves node_modules (fonts, resvg, fontkit).
const BUILD = join(ROOT, ".gallery-build");
const CLI = join(BUILD, "netfig.mjs");
const DPI = "150";
/** Printed widths: one and two columns of a journal page, labels at 7 pt. */
const WIDTHS = ["85mm", "178mm"];
const PRINT_FONT_SIZE = "7";
/** Printed figures are for looking at on screen: 200 dpi keeps the files small. */
const PRINT_DPI = "200";

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
  {
    name: "vit_b_16-onnx",
    fixture: "transformers/vit_b_16.onnx.gz",
    flags: ["--fold-repeats"],
    description: "ViT-B/16 as torchvision exports it to ONNX: the attention, layer-norm and GELU patterns folded back into the language's layers, the 12 encoder layers drawn once with ×12 (86,567,656 parameters)",
  },
];

/**
 * Figures drawn with an arrangement forced by flags, for the project README: what
 * `--compact` looks like, whatever `--width` would choose by itself.
 */
const FORCED = [
  {
    source: "vgg16.netfig",
    out: "vgg16-compact-178mm",
    flags: ["--compact", "--width", "178mm", "--font-size", "7"],
    description: "VGG-16 at 178 mm with `--compact`: each stage's convs as slabs face to face, one label per stage",
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
  const fixture = join(ONNX_FIXTURES, model.fixture.includes(".") ? model.fixture : `${model.fixture}.onnx`);
  // Larger fixtures are stored gzipped; the example beside its figure is the plain .onnx.
  if (fixture.endsWith(".gz")) writeFileSync(join(EXAMPLES, `${model.name}.onnx`), gunzipSync(readFileSync(fixture)));
  else copyFileSync(fixture, join(EXAMPLES, `${model.name}.onnx`));
  figures.push({ source: `${model.name}.onnx`, flags: model.flags, out: model.name, description: model.description });
}

const printFlags = (width) => ["--width", width, "--font-size", PRINT_FONT_SIZE];
const commands = figures.flatMap((f) => {
  const select = [f.source, ...(f.network ? ["--network", f.network] : [])];
  return [
    ...["svg", "pdf", "png"].map((format) => ({
      figure: f,
      format,
      file: `${f.out}.${format}`,
      args: ["render", ...select, ...f.flags, "-o", `${f.out}.${format}`, ...(format === "png" ? ["--dpi", DPI] : [])],
    })),
    ...WIDTHS.map((width) => ({
      figure: f,
      format: "png",
      width,
      file: `${f.out}-${width}.png`,
      args: ["render", ...select, ...f.flags, ...printFlags(width), "-o", `${f.out}-${width}.png`, "--dpi", PRINT_DPI],
    })),
  ];
});
const forced = FORCED.map((f) => ({ figure: f, format: "png", width: f.flags[f.flags.indexOf("--width") + 1], file: `${f.out}.png`, args: ["render", f.source, ...f.flags, "-o", `${f.out}.png`, "--dpi", PRINT_DPI] }));

// The printed figures try many arrangements: start them first so the pool ends together.
const all = [...commands, ...forced];
const queue = [...all].sort((a, b) => (b.width ? 1 : 0) - (a.width ? 1 : 0));
await pooled(
  queue.map((c) => async () => {
    const { stderr } = await run(process.execPath, [CLI, ...c.args], { cwd: EXAMPLES });
    // The one line saying what --width chose (or that nothing fits).
    if (c.width) c.choice = stderr.split("\n").find((l) => l.startsWith("netfig: ") && l.includes(`--width ${c.width}`));
    if (c.width && !c.choice) throw new Error(`netfig ${c.args.join(" ")}: no line about --width on stderr:\n${stderr}`);
    process.stderr.write(`examples/${c.file}\n`);
  }),
  availableParallelism(),
);

rmSync(BUILD, { recursive: true, force: true });

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const command = (c) => `<code>netfig ${escape(c.args.join(" "))}</code>`;
const choice = (c) => `<br><sub>${escape(c.choice)}</sub>`;
/** Image widths on the page in proportion to the printed widths (85 : 178), so the two compare as on paper. */
const SHOWN = { "85mm": 270, "178mm": 565 };
const printed = (cs) => `<table>
<tr>${cs.map((c) => `<th>${c.width.replace("mm", " mm")}, ${PRINT_FONT_SIZE} pt labels</th>`).join("")}</tr>
<tr>${cs.map((c) => `<td valign="top"><img src="${c.file}" width="${SHOWN[c.width]}" alt="${c.figure.out} at ${c.width}"></td>`).join("")}</tr>
<tr>${cs.map((c) => `<td valign="top">${command(c)}${choice(c)}</td>`).join("")}</tr>
</table>`;
const section = (f) => {
  const mine = commands.filter((c) => c.figure === f);
  const natural = mine.find((c) => !c.width && c.format === "png");
  const title = f.network ? `${f.out.slice(0, -f.network.length - 1)}: ${f.network}` : f.out;
  return `### ${title}

${f.description}${f.network ? ` (${f.network})` : ""}

![${f.out}](${natural.file})

Natural size: <code>netfig ${escape(natural.args.join(" "))}</code>

${printed(mine.filter((c) => c.width))}
`;
};
const templates = figures.filter((f) => f.source.endsWith(".netfig"));
const imported = figures.filter((f) => f.source.endsWith(".onnx"));
const held = Object.entries(HELD_BACK).map(([name, why]) => `- \`${name}\`: ${why}.`);
const contents = (fs) => fs.map((f) => `[${f.network ? `${f.out.slice(0, -f.network.length - 1)}: ${f.network}` : f.out}](#${(f.network ? `${f.out.slice(0, -f.network.length - 1)}-${f.network}` : f.out).replace(/[^\w-]/g, "").toLowerCase()})`).join(" · ");
writeFileSync(
  join(EXAMPLES, "README.md"),
  `# Examples

Every bundled template, drawn by netfig: at its natural size, then printed at the width of
one journal column (85 mm) and of a whole page (178 mm) with 7 pt labels, shown here in
proportion to each other as they would print. Each figure was made from the source beside
it with the command shown, run in this folder (at natural size SVG and PDF alike:
\`-o NAME.svg\`, \`-o NAME.pdf\`). Under a printed figure is the line netfig wrote about the
arrangement \`--width\` chose for it (rows, columns flowing down, compact slabs, terse labels,
collapsed modules, block size), or its warning when nothing fits. \`npm run gallery\` regenerates all of it; a
test fails when a file here is older than the code that draws it.

${contents(templates)}
${held.length > 0 ? `\nNot shown yet, because the figure is not good enough:\n\n${held.join("\n")}\n` : ""}
## Templates

${templates.map(section).join("\n")}
## Imported from ONNX

torchvision's models as \`torch.onnx.export\` writes them (graph only, no weights; see
tests/fixtures/onnx/generate.py), drawn straight from the \`.onnx\` file beside each figure.
Stages and blocks come from the module names in the file; shapes and counts equal PyTorch's.

${imported.map(section).join("\n")}
## An arrangement forced by flags

\`--width\` chooses rows, direction, compact slabs, terse labels, collapsed modules and block
size by itself; each flag fixes one of them (\`--rows N\`, \`--direction right|down\`,
\`--[no-]compact\`, \`--[no-]terse\`, \`--[no-]collapse\`, \`--block-size K\`) and the rest are still
chosen.

${forced.map((c) => `${c.figure.description}.\n\n<img src="${c.file}" width="${SHOWN[c.width]}" alt="${c.figure.out}">\n\n${command(c)}${choice(c)}\n`).join("\n")}`,
);
