import { spawnSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

/** Runs the built command line (npm test builds dist/ first). */
function netfig(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, input, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("netfig check", () => {
  it("prints one OK line with totals and exits 0", () => {
    const run = netfig(["check", "templates/resnet18.netfig"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("ResNet-18: OK — 70 layers, 11,689,512 params, 1.814G MACs\n");
  });

  it("prints every diagnostic with the line and a caret, and exits 1", () => {
    const run = netfig(["check", "-"], "input 8x8x3\nconv 4 3x3 strde=2\nmaxpol 2x2\n");
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("<stdin>:2:12: error: conv has no setting 'strde'\n  2 | conv 4 3x3 strde=2\n    |            ^^^^^");
    expect(run.stderr).toContain("<stdin>:3:1: error: unknown layer kind 'maxpol'");
    expect(run.stderr).toContain("hint: did you mean maxpool?");
    expect(run.stderr).toContain("2 errors");
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it("exits 2 for usage errors", () => {
    expect(netfig(["check"]).status).toBe(2);
    expect(netfig(["frobnicate"]).status).toBe(2);
    expect(netfig(["summary", "--bogus", "templates/lenet5.netfig"]).status).toBe(2);
  });

  it("exits 1 with a clear message for a missing file", () => {
    const run = netfig(["check", "no/such/file.netfig"]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("no/such/file.netfig: no such file or template");
  });

  it("finds a bundled template by name", () => {
    expect(netfig(["check", "vgg16"]).stdout).toContain("VGG-16: OK");
  });
});

describe("netfig summary", () => {
  it("prints a table that fits 80 columns with totals", () => {
    const run = netfig(["summary", "templates/resnet50.netfig"]);
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(run.stdout).toContain("Total parameters:   25,557,032");
    expect(run.stdout).toContain("Total MACs:         4,089,184,256");
  });

  it("--json prints the documented structure", () => {
    const run = netfig(["summary", "--json", "templates/resnet18.netfig"]);
    const json = JSON.parse(run.stdout);
    const network = json.networks[0];
    expect(network.name).toBe("ResNet-18");
    expect(network.inputs).toEqual([[224, 224, 3]]);
    expect(network.layers[1]).toEqual({
      name: "conv1",
      op: "conv",
      inputs: ["input"],
      shape: [112, 112, 64],
      params: 9408,
      macs: 118013952,
      rf: 7,
      jump: 2,
      memory: 3211264,
    });
    expect(network.totals.params).toBe(11689512);
    expect(network.totals.macs).toBe(1814073344);
  });

  it("says which layers reuse another's parameters: all of them (shared), or the weight matrix and not their own bias (tied)", () => {
    // A language model whose output layer reads the embedding's 1000×64 table as its weight
    // and keeps its own bias of 1000 (PyTorch: head.weight = wte.weight, bias=True), and one
    // without bias that reads it too: 64,000 + 4,160 + 1,000 parameters in all.
    const run = netfig(["summary", "-"], "input 16 tokens=1000\nwte: embedding 1000 64\nh: fc 64\nhead: fc 1000 shares=wte\nbare: fc 1000 bias=false shares=wte from h\n");
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^head\s+fc\s+16×1000\s+1,000\+tied\s/m);
    expect(run.stdout).toMatch(/^bare\s+fc\s+16×1000\s+shared\s/m);
    expect(run.stdout).toContain("Total parameters:   69,160");
  });

  it("reads stdin for -", () => {
    const run = netfig(["summary", "--json", "-"], "input 10\nfc 5\n");
    expect(JSON.parse(run.stdout).networks[0].totals.params).toBe(55);
  });
});

describe("netfig templates and new", () => {
  it("lists templates with a description", () => {
    const run = netfig(["templates"]);
    expect(run.stdout).toMatch(/^resnet18\s+ResNet-18 \(He et al., 2016\)/m);
  });

  it("copies a template and refuses to overwrite without --force", () => {
    const dir = scratchDir("netfig-");
    const target = join(dir, "mine.netfig");
    expect(netfig(["new", "lenet5", target]).status).toBe(0);
    expect(readFileSync(target, "utf8")).toBe(readFileSync(join(root, "templates/lenet5.netfig"), "utf8"));
    writeFileSync(target, "keep me");
    expect(netfig(["new", "lenet5", target]).status).toBe(2);
    expect(readFileSync(target, "utf8")).toBe("keep me");
  });
});

describe("netfig render of an ONNX model", () => {
  it("says a loading warning once (torchvision AlexNet exported with export_params=False)", () => {
    const dir = scratchDir("netfig-warn-");
    const model = join(dir, "alexnet.onnx");
    writeFileSync(model, gunzipSync(readFileSync(join(root, "tests/fixtures/onnx/torchvision/alexnet.onnx.gz"))));
    const run = netfig(["render", model, "-o", join(dir, "alexnet.svg")]);
    expect(run.status).toBe(0);
    expect(run.stderr.match(/graph inputs are parameters without values/g)).toHaveLength(1);
  });
});
