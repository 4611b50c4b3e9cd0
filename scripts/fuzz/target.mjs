/**
 * One fuzz input through the pipeline, in-process, classified by outcome. Reads the built
 * library (dist/), as the command line does.
 *
 * Outcomes: `valid` (analysed), `invalid` (a clean NetfigError: every diagnostic located,
 * each cause once, nothing unescaped for a terminal), and the failures: `crash` (any other
 * exception), `unlocated`, `repeated`, `unescaped`; `hang` is decided by the runner's timeout.
 * A sample of valid inputs (up to 2,000 layers) also goes through layout → scene → SVG (`rendered` or a failure).
 */

import { analyzeSource } from "../../dist/analyze/source.js";
import { isNetfigError } from "../../dist/lang/diagnostics.js";
import { formatDiagnostics } from "../../dist/cli/report.js";
import { sources } from "../../dist/cli/io.js";
import { buildScene, layout } from "../../dist/styles/index.js";
import { renderSvg } from "../../dist/render/svg.js";

export const FAILURES = ["crash", "unlocated", "repeated", "unescaped", "hang"];

const FILE = "fuzz.netfig";
/** The largest valid input the render sample draws. */
const MAX_RENDERED_LAYERS = 2000;
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** What a failure is, in one line that stays the same for the same bug (for minimising and deduplicating). */
function signature(error) {
  if (!(error instanceof Error)) return String(error).slice(0, 120);
  const frame = (error.stack ?? "").split("\n").find((l) => l.includes("/dist/"))?.replace(/^.*\/dist\//, "").replace(/[):]+$/, "").replace(/:\d+$/, "") ?? "";
  return `${error.name}: ${error.message.replace(/\d+/g, "N").slice(0, 100)} @ ${frame}`;
}

/** Checks the diagnostics of a NetfigError as the command line would print them. */
function judgeDiagnostics(error, text) {
  const unlocated = error.diagnostics.find((d) => !d.location);
  if (unlocated) return { outcome: "unlocated", detail: unlocated.message.slice(0, 200) };
  sources.set(FILE, text);
  const printed = formatDiagnostics(error.diagnostics);
  sources.delete(FILE);
  if (UNSAFE.test(printed)) return { outcome: "unescaped", detail: printed.slice(0, 200) };
  const heads = printed.split("\n").filter((l) => l.startsWith(`${FILE}:`));
  const seen = new Set();
  for (const head of heads) {
    if (seen.has(head)) return { outcome: "repeated", detail: head.slice(0, 200) };
    seen.add(head);
  }
  return { outcome: "invalid" };
}

/** Runs `text`; `render` also draws it when it is valid. */
export async function runOne(text, render) {
  let analyzed;
  try {
    analyzed = analyzeSource(text, FILE);
  } catch (error) {
    if (isNetfigError(error)) return judgeDiagnostics(error, text);
    return { outcome: "crash", detail: signature(error) };
  }
  // Figures of the size people draw: the scale of layout and scene has its own test (50,000 layers, tests/robustness/scale.test.ts).
  if (!render || analyzed.networks.reduce((sum, n) => sum + n.layers.length, 0) > MAX_RENDERED_LAYERS) return { outcome: "valid" };
  try {
    const laidOut = await layout(analyzed);
    renderSvg(buildScene(laidOut));
    return { outcome: "rendered" };
  } catch (error) {
    if (isNetfigError(error)) {
      const judged = judgeDiagnostics(error, text);
      return judged.outcome === "invalid" ? { outcome: "render-invalid" } : judged;
    }
    return { outcome: "crash", detail: `render: ${signature(error)}` };
  }
}
