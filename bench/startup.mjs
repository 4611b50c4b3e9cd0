// Start-up of the command line (issue 18): whole-process time of `netfig render lenet5` to
// SVG and to PDF, each against `node -e 0` in alternated pairs (Node's own start-up, which
// no change to netfig removes), with the targets: SVG under 0.2 s, PDF under 0.35 s.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alternate, buildCli, load, netfigBin } from "./process.mjs";

await buildCli();
const out = mkdtempSync(join(tmpdir(), "netfig-startup-"));
const node = [process.execPath, "-e", "0"];
const rows = [
  { name: "netfig --version", args: ["--version"] },
  { name: "netfig render lenet5 -o x.svg", args: ["render", "lenet5", "-o", join(out, "x.svg")], targetMs: 200 },
  { name: "netfig render lenet5 -o x.pdf", args: ["render", "lenet5", "-o", join(out, "x.pdf")], targetMs: 350 },
];
console.log(`\nnetfig start-up, whole process (medians of 9 alternated pairs with node -e 0; ${load()})`);
for (const row of rows) {
  const { a, b, ratio, aCpu, bCpu } = alternate([process.execPath, netfigBin, ...row.args], node, { pairs: 9 });
  const verdict = row.targetMs === undefined ? "" : a < row.targetMs ? `  under the ${row.targetMs} ms target` : `  OVER the ${row.targetMs} ms target`;
  const cpu = Number.isNaN(aCpu) ? "" : `  cpu ${aCpu.toFixed(0)} ms (node -e 0: ${bCpu.toFixed(0)})`;
  console.log(`  ${row.name.padEnd(32)} ${a.toFixed(0).padStart(5)} ms  (node -e 0: ${b.toFixed(0)} ms, ×${ratio.toFixed(2)})${cpu}${verdict}`);
}
console.log(`  ${load()} at the end`);
rmSync(out, { recursive: true, force: true });
