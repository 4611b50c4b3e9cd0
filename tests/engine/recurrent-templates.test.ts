import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodeNpy } from "../../src/engine/io/npy.js";
import { inCi } from "../export/tools.js";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

/**
 * The two recurrent templates run by `netfig run --weights` against their PyTorch twins with
 * the same weights (tests/fixtures/torch/recurrent_templates.py, torch 1.13): every layer's
 * output within 1e-4 of PyTorch's float64 result. templates/rnn.netfig is nn.RNN(8, 16) →
 * nn.Linear(16, 4) → softmax, its twin committed; templates/text-classifier.netfig (a 25,000-word
 * embedding, a 2-layer bidirectional LSTM of 256, `output[:, -1]` → nn.Linear(512, 1) → sigmoid)
 * has 19 MB of weights, so its twin is made here when torch is installed.
 */
const script = `${root}/tests/fixtures/torch/recurrent_templates.py`;
const hasTorch = spawnSync("/usr/bin/python3", ["-c", "import torch"]).status === 0;
const torchMissing = "skipped: needs PyTorch for /usr/bin/python3 — apt-get install python3-torch";

/** Each layer's output `netfig run --dump` writes, against PyTorch's, as the largest |a − b| relative to max(1, |b|). */
function compare(template: string, twin: string, input: string): Record<string, number> {
  const dump = scratchDir("netfig-recurrent-");
  const run = spawnSync(
    process.execPath,
    [join(root, "bin/netfig.js"), "run", `templates/${template}.netfig`, "--weights", `${twin}/weights.safetensors`, "--input", `${twin}/${input}.npy`, "--dump", dump],
    { cwd: root, encoding: "utf8" },
  );
  expect(run.stderr).toBe("");
  expect(run.status).toBe(0);
  const errors: Record<string, number> = {};
  for (const file of readdirSync(`${twin}/outputs`).sort()) {
    const expected = decodeNpy(new Uint8Array(readFileSync(`${twin}/outputs/${file}`)));
    const actual = decodeNpy(new Uint8Array(readFileSync(`${dump}/${file}`)));
    expect(actual.shape, file).toEqual(expected.shape);
    errors[file.replace(".npy", "")] = expected.data.reduce((worst, e, i) => Math.max(worst, Math.abs(actual.data[i]! - e) / Math.max(1, Math.abs(e))), 0);
  }
  return errors;
}

describe("the recurrent templates with PyTorch's weights", () => {
  it("rnn gives nn.RNN → nn.Linear → softmax's output at every layer within 1e-4", () => {
    const errors = compare("rnn", `${root}/tests/fixtures/torch/recurrent/rnn-template`, "x");
    expect(Object.keys(errors)).toEqual(["h", "softmax_1", "y"]);
    for (const [layer, error] of Object.entries(errors)) expect(error, layer).toBeLessThan(1e-4);
  });

  it("text-classifier gives the embedding → 2-layer bidirectional LSTM → fc → sigmoid's output at every layer within 1e-4", { timeout: 60_000 }, (ctx) => {
    if (!hasTorch) {
      if (inCi()) throw new Error(`PyTorch missing, and under CI no test may skip: apt-get install python3-torch`);
      ctx.skip(torchMissing);
    }
    const twin = scratchDir("netfig-text-classifier-");
    const made = spawnSync("/usr/bin/python3", [script, "text-classifier", twin], { encoding: "utf8" });
    expect(made.stderr).toBe("");
    const errors = compare("text-classifier", twin, "tokens");
    expect(Object.keys(errors)).toEqual(["dropout_1", "lstm_1", "sentiment", "sigmoid_1", "words"]);
    for (const [layer, error] of Object.entries(errors)) expect(error, layer).toBeLessThan(1e-4);
  });
});

describe("the recurrent templates drawn with their activations", () => {
  const render = (template: string, ...flags: string[]) => {
    const out = join(scratchDir("netfig-recurrent-render-"), `${template}.svg`);
    const run = spawnSync(process.execPath, [join(root, "bin/netfig.js"), "render", `templates/${template}.netfig`, ...flags, "-o", out], { cwd: root, encoding: "utf8" });
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    return readFileSync(out, "utf8");
  };

  it("text-classifier draws the run's activations as heat maps on its four blocks: tokens, words, the LSTM and the output", () => {
    expect(render("text-classifier", "--activations").match(/<image/g)).toHaveLength(4);
    expect(render("text-classifier")).not.toContain("<image");
  });

  it("rnn, drawn as a sequence of units, which has no place for activations, renders as without them", () => {
    expect(render("rnn", "--activations")).toBe(render("rnn"));
  });
});
