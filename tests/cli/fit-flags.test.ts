/**
 * Specification tests for the render flags of rows, legend placement, block size, layout
 * engine and page height (src/cli/commands/render.ts). A bad flag value is a usage error:
 * exit status 2 and one line naming the flag as the user typed it.
 * Runs the built command line (bin/netfig.js → dist/; build first).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { measureSvg } from "../helpers/print-metrics.js";

function netfig(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const render = (...flags: string[]) => netfig(["render", "templates/resnet18.netfig", "-o", "-", ...flags]);

describe("bad flag values are usage errors (exit 2) naming the flag", () => {
  const cases: [string[], string][] = [
    [["--rows", "0"], "--rows"],
    [["--rows", "abc"], "--rows"],
    [["--rows", "25"], "--rows"],
    [["--layout", "sideways"], "--layout"],
    [["--max-height", "5furlong"], "--max-height"],
    [["--width", "85mm", "--max-height", "-2in"], "--max-height"],
    [["--legend", "left"], "--legend"],
    // The flag is --block-size; the message must not name the figure key (blockSize) instead.
    [["--block-size", "100"], "--block-size"],
    [["--block-size", "x"], "--block-size"],
    [["--style", "nosuch"], "--style"],
  ];
  for (const [flags, name] of cases) {
    it(flags.join(" "), () => {
      const run = render(...flags);
      expect(run.status, run.stderr).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^netfig: /);
      expect(run.stderr).toContain(name);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    });
  }

  it("--legend left names the places the legend can go (bottom, right), not only true/false", () => {
    const run = render("--legend", "left");
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("bottom");
    expect(run.stderr).toContain("right");
  });

  it("--rows 2.5 is not a row count: a usage error, not silently rounded to 3", () => {
    const run = render("--rows", "2.5");
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain("--rows");
  });
});

describe("--style with --activations", () => {
  it("a style that draws no activation maps, asked for by name, says so instead of drawing the figure without them", () => {
    const run = netfig(["render", "transformer", "--style", "transformer", "--activations", "-o", "-"]);
    expect(run.status, run.stderr).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/style transformer draws no activation maps/);
    expect(run.stderr).toMatch(/hint: use style: blocks/);
  });
});

describe("--rows N beyond what the figure breaks into", () => {
  it("at a width draws the most rows it makes and says so (the Transformer diagram has one; it was an internal error, exit 70)", () => {
    const transformer = netfig(["render", "transformer", "--width", "85mm", "--rows", "2", "-o", "-"]);
    expect(transformer.status, transformer.stderr).toBe(0);
    expect(transformer.stderr).toMatch(/^netfig: --width 85mm: one row, /);
    // LeNet-5's blocks allow 8 rows, but the eighth would hold the thin classifier alone, a
    // stray under a quarter of the longest row: 7 (too tall for the page, and the warning says so).
    const lenet = netfig(["render", "lenet5", "--width", "85mm", "--rows", "20", "--direction", "right", "-o", "-"]);
    expect(lenet.status, lenet.stderr).toBe(0);
    const rows = Number(/ (\d+) rows flowing right/.exec(lenet.stderr)?.[1]);
    expect(rows).toBe(7);
  });
});

describe("--max-height", () => {
  it("--width 85mm --max-height 5in: the chosen figure is at most 360 pt tall, or the warning says nothing fits", () => {
    const run = render("--width", "85mm", "--max-height", "5in");
    expect(run.status, run.stderr).toBe(0);
    const m = measureSvg(run.stdout);
    expect(Math.abs(m.widthPt - 240.94)).toBeLessThan(0.01);
    if (run.stderr.includes("warning")) expect(run.stderr).toContain("nothing tried fits --width 85mm");
    else {
      expect(m.heightPt).toBeLessThanOrEqual(360 + 0.01);
      expect(run.stderr).toMatch(/^netfig: --width 85mm: /);
    }
  }, 30_000);
});

describe("--legend right", () => {
  it("puts every legend text to the right of every block face", () => {
    const run = render("--legend", "right");
    expect(run.status, run.stderr).toBe(0);
    const m = measureSvg(run.stdout);
    const legend = m.texts.filter((t) => t.role === "legend-text");
    expect(legend.length).toBeGreaterThan(3);
    expect(m.blocks.length).toBeGreaterThan(10);
    const rightmost = Math.max(...m.blocks.map((b) => b.box.right));
    for (const t of legend) expect(t.box.left, t.text).toBeGreaterThan(rightmost);
    // In one column: each entry below the one before, all starting at one x.
    const xs = new Set(legend.map((t) => t.box.left.toFixed(1)));
    expect(xs.size).toBe(1);
    expect(m.legendInside).toBe(true);
  });

  it("the default legend sits below the figure and within the page at 85 mm", () => {
    const run = render("--width", "85mm");
    expect(run.status, run.stderr).toBe(0);
    const m = measureSvg(run.stdout);
    const legend = m.texts.filter((t) => t.role === "legend-text");
    const lowest = Math.max(...m.blocks.map((b) => b.box.bottom));
    for (const t of legend) expect(t.box.top, t.text).toBeGreaterThan(lowest);
    expect(m.legendInside).toBe(true);
  }, 30_000);
});

describe("--stack-shapes", () => {
  const unet = (...flags: string[]) => netfig(["render", "templates/unet-original.netfig", "-o", "-", ...flags]);

  it("writes each shape in two lines at natural size: 570² over 64 for enc1's first conv, no 570×570×64", () => {
    const run = unet("--stack-shapes");
    expect(run.status, run.stderr).toBe(0);
    const texts = measureSvg(run.stdout).texts.map((t) => t.text);
    expect(texts).toContain("570²");
    expect(texts).not.toContain("570×570×64");
  });

  it("--no-stack-shapes --width 85mm: the unpadded U-Net fits nothing tried, and the warning says so", () => {
    const run = unet("--width", "85mm", "--font-size", "7", "--no-stack-shapes");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain("nothing tried fits --width 85mm");
    expect(run.stderr).not.toContain("shapes in two lines");
  }, 60_000);

  it("--width 85mm alone: the fitter says it stacked the shapes, and how to refuse it", () => {
    const run = unet("--width", "85mm", "--font-size", "7");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^netfig: --width 85mm: shapes in two lines, /);
    expect(run.stderr).toContain("--[no-]stack-shapes");
  }, 60_000);
});

describe("--style picks the figure style, as figure { style: … } does", () => {
  it("draws the Transformer template as blocks with --style blocks, and a CNN it cannot draw is an error saying why", () => {
    const blocks = netfig(["render", "templates/transformer.netfig", "-o", "-", "--style", "blocks"]);
    expect(blocks.status, blocks.stderr).toBe(0);
    expect(blocks.stdout.includes('id="block-face-encoder.0.self_attn"'), "a block for the first attention").toBe(true);
    const transformer = netfig(["render", "templates/transformer.netfig", "-o", "-", "--style", "transformer"]);
    expect(transformer.stdout.includes(">Add &amp; Norm</text>"), "an Add & Norm box").toBe(true);
    const refused = render("--style", "transformer");
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("style transformer cannot draw ResNet-18: it has no attention layer");
  }, 60_000);
});

describe("the --width choice line offers only what can be forced", () => {
  it("names the Transformer diagram's one arrangement as such, with no --rows to try", () => {
    const run = netfig(["render", "templates/transformer.netfig", "--width", "85mm", "-o", "-"]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^netfig: --width 85mm: one row, \d+ pt tall \(its only arrangement\)$/m);
  });

  it("still offers --rows N to a neuron diagram that was chosen among several", () => {
    const run = netfig(["render", "templates/mlp.netfig", "--width", "85mm", "-o", "-"]);
    expect(run.stderr).toMatch(/\(best of \d+; force another with --rows N\)$/m);
  });
});
