import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { floatData } from "../../src/import/onnx/decode.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { modulePath } from "../../src/import/onnx/naming.js";
import { isNetfigError, NetfigError } from "../../src/lang/diagnostics.js";
import { root } from "../helpers/netfig.js";
import { encodeModel, type TestModel } from "./onnx-build.js";
import { scratchDir } from "../helpers/temp.js";

const FIXTURES = join(root, "tests/fixtures/onnx");
const MODELS = readdirSync(FIXTURES).filter((f) => f.endsWith(".onnx")).map((f) => f.slice(0, -".onnx".length));

interface Reference {
  input: number[];
  output: number[];
  params: number;
  macs: number;
}

function netfig(args: string[]) {
  const result = spawnSync(process.execPath, [join(root, "bin/netfig.js"), ...args], { cwd: root, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function layersOf(model: TestModel) {
  const imported = importOnnx(encodeModel(model), "test.onnx");
  return { imported, layers: analyze(imported.graph).networks[0]!.layers };
}

describe("ONNX models exported by PyTorch", () => {
  it("has every required model", () => {
    expect(MODELS).toEqual(expect.arrayContaining(["resnet18", "resnet50", "vgg16", "alexnet", "mobilenet_v2", "squeezenet1_1", "densenet121", "zoo"]));
  });

  it.each(MODELS)("%s: summary --json totals equal sum(p.numel()) and PyTorch's conv+fc MACs", (name) => {
    const reference = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as Reference;
    const run = netfig(["summary", "--json", join(FIXTURES, `${name}.onnx`)]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const network = JSON.parse(run.stdout).networks[0];
    expect(network.totals.params).toBe(reference.params);
    expect(network.totals.macs).toBe(reference.macs);
    expect(network.layers[0].shape).toEqual(reference.input);
    expect(network.layers[network.layers.length - 1].shape).toEqual(reference.output);
  });

  it("names layers by their PyTorch module paths", () => {
    const ids = importOnnx(readFileSync(join(FIXTURES, "resnet50.onnx")), "resnet50.onnx").graph.networks[0]!.nodes.map((n) => n.id);
    expect(ids).toEqual(expect.arrayContaining(["input", "conv1", "bn1", "layer1.0.conv1", "layer1.0.downsample.0", "layer4.2.relu_2", "fc"]));
    expect(modulePath("/features/denseblock4/denselayer16/conv2/Conv")).toEqual({ path: "features.denseblock4.denselayer16.conv2", op: "Conv" });
  });

  it("keeps BN, activations and merges as separate layers in order, and folds shape arithmetic", () => {
    const nodes = importOnnx(readFileSync(join(FIXTURES, "zoo.onnx")), "zoo.onnx").graph.networks[0]!.nodes;
    expect(nodes.map((n) => n.op)).toEqual([
      "input", "conv", "bn", "relu6", "conv", "shuffle", "globalavgpool", "conv", "relu", "conv", "hardsigmoid", "scale",
      "hardswish", "leakyrelu", "zeropad", "maxpool", "conv", "avgpool", "concat", "conv", "add", "deconv", "tanh", "sigmoid",
      "add", "reshape", "fc", "flatten", "fc", "softmax",
    ]);
    expect(nodes.find((n) => n.op === "shuffle")!.attrs).toEqual({ groups: 2 });
    expect(nodes.find((n) => n.op === "zeropad")!.attrs).toEqual({ padding: [1, 1, 0, 0] });
    // AvgPool2d(3, 1, padding=1) arrives as Pad + AveragePool and becomes one layer again.
    expect(nodes.find((n) => n.op === "avgpool")!.attrs.padding).toEqual([1, 1, 1, 1]);
    // MatMul + Add(bias) from nn.Linear on a sequence is one fc with a bias.
    expect(nodes.find((n) => n.id === "steps")!.attrs).toEqual({ units: 12, bias: true });
    expect(nodes.find((n) => n.op === "bn")!.attrs.eps).toBe(1e-5);
  });

  it("records where each layer's weights are and its ONNX tensor name", () => {
    const imported = importOnnx(readFileSync(join(FIXTURES, "zoo.onnx")), "zoo.onnx");
    expect(imported.weights.get("head")).toEqual({ weight: { tensor: "head.weight" }, bias: { tensor: "head.bias" } });
    // PyTorch stores Linear weights [out, in], as fc reads them: the exporter's Transpose and MatMul's [in, out] cancel.
    expect(imported.weights.get("steps")!.weight).toEqual({ tensor: "steps.weight" });
    expect(imported.tensorNames.get("softmax")).toBe("output");
    const weight = floatData(imported.initializers.get("head.weight")!)!;
    expect(weight.length).toBe(10 * 48);
    expect(weight.some((v) => v !== 0)).toBe(true);
  });

  it("reads graph-only files: initializers keep their dims, the bytes are external", () => {
    const imported = importOnnx(readFileSync(join(FIXTURES, "vgg16.onnx")), "vgg16.onnx");
    const fc6 = imported.initializers.get("classifier.0.weight")!;
    expect(fc6.dims).toEqual([4096, 25088]);
    expect(fc6.external).toMatchObject({ location: "vgg16.weights" });
    expect(floatData(fc6)).toBeUndefined();
  });
});

describe("ONNX import errors and warnings", () => {
  const resnet18 = readFileSync(join(FIXTURES, "resnet18.onnx"));

  it("a truncated file is a NetfigError naming the file", () => {
    expect(() => importOnnx(resnet18.subarray(0, 3000), "cut.onnx")).toThrow(/cut\.onnx: not a readable ONNX model \(the file ends early/);
  });

  it("a foreign file is a NetfigError naming the file", () => {
    expect(() => importOnnx(new TextEncoder().encode("input 32x32x3\nconv 6 5x5\n"), "text.onnx")).toThrow(NetfigError);
  });

  it("the CLI reports a corrupt file in one line, exit 1, no stack trace", () => {
    const path = join(scratchDir(), "corrupt.onnx");
    writeFileSync(path, resnet18.subarray(0, resnet18.length - 100));
    const run = netfig(["check", path]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${path}: not a readable ONNX model`);
    expect(run.stderr).not.toMatch(/\bat \w+ \(/);
  });

  it("recognises an ONNX file without the .onnx extension by its first byte", () => {
    const path = join(scratchDir(), "model.bin");
    writeFileSync(path, readFileSync(join(FIXTURES, "squeezenet1_1.onnx")));
    const run = netfig(["check", path]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("1,235,496 params");
  });

  const unknownModel = (declared: boolean): TestModel => ({
    input: ["N", 3, 8, 8],
    weights: { w: { dims: [4, 3, 3, 3] } },
    nodes: [
      { op: "Conv", name: "/conv/Conv", inputs: ["x", "w"], outputs: ["c"], ints: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
      { op: "Warp", name: "/warp/Warp", inputs: ["c"], outputs: ["g"] },
      { op: "Relu", name: "/relu/Relu", inputs: ["g"], outputs: ["y"] },
    ],
    declared: declared ? { g: ["N", 4, 6, 6] } : {},
  });

  it("an unknown op is a plain labelled block sized from value_info, with a warning naming it", () => {
    const { imported, layers } = layersOf(unknownModel(true));
    expect(imported.warnings).toHaveLength(1);
    expect(imported.warnings[0]!.severity).toBe("warning");
    expect(imported.warnings[0]!.message).toContain("'/warp/Warp' (Warp)");
    const warp = layers.find((l) => l.node.id === "warp")!;
    expect(warp.node.op).toBe("opaque");
    expect(warp.node.label).toBe("Warp");
    expect(warp.shape).toEqual([6, 6, 4]);
    expect(layers[layers.length - 1]!.shape).toEqual([6, 6, 4]);
  });

  it("fails, naming the node, only when the shapes after an unknown op cannot be known", () => {
    let error: unknown;
    try {
      layersOf(unknownModel(false));
    } catch (e) {
      error = e;
    }
    expect(isNetfigError(error)).toBe(true);
    expect((error as NetfigError).message).toMatch(/test\.onnx: node '\/relu\/Relu' \(Relu\): cannot size this layer: the shape of its input 'warp' is unknown/);
  });

  it("the CLI prints the unknown-op warning and still succeeds", () => {
    const path = join(scratchDir(), "unknown.onnx");
    writeFileSync(path, encodeModel(unknownModel(true)));
    const run = netfig(["check", path]);
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("warning:");
    expect(run.stderr).toContain("netfig does not know Warp");
  });
});

describe("ONNX op mapping", () => {
  it("LRN, general Clip, Pad, Dropout and Gemm map to their layers", () => {
    const { layers } = layersOf({
      input: [1, 3, 8, 8],
      weights: { w: { dims: [5, 12] }, b: { dims: [5] } },
      ints: { pads: [0, 0, 1, 2, 0, 0, 1, 2], shape: [0, -1] },
      nodes: [
        { op: "LRN", name: "/lrn/LRN", inputs: ["x"], outputs: ["a"], ints: { size: [3] }, floats: { alpha: 2e-4, beta: 0.75, bias: 2 } },
        { op: "Clip", name: "/clip/Clip", inputs: ["a"], outputs: ["b"], floats: { min: -1, max: 1 } },
        { op: "Pad", name: "/pad/Pad", inputs: ["b", "pads"], outputs: ["c"] },
        { op: "MaxPool", name: "/pool/MaxPool", inputs: ["c"], outputs: ["d"], ints: { kernel_shape: [5, 6], strides: [5, 6] } },
        { op: "Reshape", name: "/flat/Reshape", inputs: ["d", "shape"], outputs: ["e"] },
        { op: "Dropout", name: "/drop/Dropout", inputs: ["e"], outputs: ["f"], floats: { ratio: 0.25 } },
        { op: "Gemm", name: "/fc/Gemm", inputs: ["f", "w", "b"], outputs: ["y"], ints: { transB: [1] } },
      ],
    });
    expect(layers.map((l) => [l.node.op, l.shape])).toEqual([
      ["input", [8, 8, 3]],
      ["lrn", [8, 8, 3]],
      ["clip", [8, 8, 3]],
      ["zeropad", [10, 12, 3]],
      ["maxpool", [2, 2, 3]],
      ["flatten", [12]],
      ["dropout", [12]],
      ["fc", [5]],
    ]);
    expect(layers[1]!.node.attrs).toEqual({ size: 3, alpha: 2e-4, beta: 0.75, k: 2 });
    expect(layers[2]!.node.attrs).toEqual({ min: -1, max: 1 });
    expect(layers[6]!.node.attrs).toEqual({ p: 0.25 });
    expect(layers[7]!.params).toBe(65);
  });

  it("a large initializer is a view on the file's bytes, not a copy", () => {
    const values = new Float32Array(1 << 22).map((_, i) => i % 1000);
    const model: TestModel = {
      input: [1, 1024, 4, 1],
      weights: { w: { dims: [4096, 1024], values } },
      nodes: [
        { op: "Flatten", name: "/flat/Flatten", inputs: ["x"], outputs: ["f"] },
        { op: "MatMul", name: "/fc/MatMul", inputs: ["f", "w"], outputs: ["y"] },
      ],
    };
    const encoded = encodeModel(model);
    // Place the encoded model so that the weight block starts on a 4-byte boundary.
    const offset = importOnnx(encoded, "big.onnx").initializers.get("w")!.raw!.byteOffset - encoded.byteOffset;
    const shift = (4 - (offset % 4)) % 4;
    const bytes = new Uint8Array(new ArrayBuffer(encoded.length + shift), shift);
    bytes.set(encoded);
    const imported = importOnnx(bytes, "big.onnx");
    const tensor = imported.initializers.get("w")!;
    expect(tensor.raw!.buffer).toBe(bytes.buffer);
    const weights = floatData(tensor)!;
    expect(weights.buffer).toBe(bytes.buffer);
    expect(weights.length).toBe(1 << 22);
    expect(weights[123457]).toBe(457);
    expect(analyze(imported.graph).networks[0]!.totals.params).toBe(4096 * 1024);
  });
});
