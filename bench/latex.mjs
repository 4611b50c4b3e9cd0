// netfig against a LaTeX pipeline on the same networks (issue 18): `netfig render NET -o
// x.pdf` against `pdflatex` on netfig's own TikZ of the network (`netfig render NET -o
// x.tex`, a standalone document), each a fresh process, in alternated pairs. Target: netfig
// at most 0.5× pdflatex's time on every network. Skipped, saying so, without pdflatex.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alternate, buildCli, load, netfigBin, timeProcess } from "./process.mjs";

const TARGET = 0.5;
if (spawnSync("pdflatex", ["--version"]).error) {
  console.log("\nnetfig against pdflatex: skipped, pdflatex is not installed (apt-get install texlive-latex-base texlive-pictures)");
  process.exit(0);
}
await buildCli();
const out = mkdtempSync(join(tmpdir(), "netfig-latex-"));
// The two-layer toy network: a perceptron with one hidden layer.
writeFileSync(join(out, "toy.netfig"), "input 28x28x1\nflatten\nfc 128 -> relu\nfc 10\n");
const networks = [
  ["LeNet-5", "lenet5"],
  ["AlexNet", "alexnet"],
  ["VGG-16", "vgg16"],
  ["U-Net", "unet"],
  ["two-layer toy net", join(out, "toy.netfig")],
];
console.log(`\nnetfig -o x.pdf against pdflatex on netfig's TikZ of the same network (medians of 7 alternated pairs; ${load()})`);
let worst = 0;
for (const [name, network] of networks) {
  const tex = join(out, `${name.replace(/\W+/g, "-")}.tex`);
  timeProcess([process.execPath, netfigBin, "render", network, "-o", tex], out);
  const netfig = [process.execPath, netfigBin, "render", network, "-o", join(out, "netfig.pdf")];
  const pdflatex = ["pdflatex", "-interaction=batchmode", "-halt-on-error", `-output-directory=${out}`, tex];
  const { a, b, ratio, aCpu, bCpu } = alternate(netfig, pdflatex, { pairs: 7, cwd: out });
  worst = Math.max(worst, ratio);
  console.log(`  ${name.padEnd(18)} netfig ${a.toFixed(0).padStart(5)} ms  pdflatex ${b.toFixed(0).padStart(5)} ms  ×${ratio.toFixed(2)}${Number.isNaN(aCpu) ? "" : `  (cpu ×${(aCpu / bCpu).toFixed(2)})`}${ratio <= TARGET ? "" : `  OVER the ${TARGET}× target`}`);
}
console.log(`  worst ratio ×${worst.toFixed(2)} (target ≤ ${TARGET}×); ${load()} at the end`);
rmSync(out, { recursive: true, force: true });
