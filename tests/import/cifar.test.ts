import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/analyze/analyze.js";
import { importOnnx } from "../../src/import/onnx/import.js";
import { root } from "../helpers/netfig.js";

/**
 * The CIFAR-10 ResNets of He et al. (2016), section 4.2, exported by PyTorch with
 * export_params=False (tests/fixtures/onnx/cifar/generate.py): option-A shortcuts written
 * as people write them, F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, 0, extra)), which PyTorch
 * exports as two strided Slices and a Pad whose pads a ConstantOfShape → Concat → Reshape →
 * Slice(step -1) → Transpose → Reshape subgraph computes. ResNet-1202, the deepest, is the
 * 5,000-node graph `npm run bench` times (bench/onnx-large.mjs); its file is ResNet-20's export
 * with each stage's last block repeated as PyTorch names it (deepen.py: torch 1.13's exporter
 * takes tens of minutes on it), its numbers PyTorch's own for CifarResNet(200).
 */

const FIXTURES = join(root, "tests/fixtures/onnx/cifar");
const REFERENCES = readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")));
/** He et al. (2016), table 6: 3 stages of n blocks; resnet20 n = 3, resnet1202 n = 200. */
const BLOCKS: Record<string, number> = { resnet20: 3, resnet1202: 200 };

describe("CIFAR ResNets exported by PyTorch", () => {
  it.each(REFERENCES.map((r) => [r.model, r]))("%s: PyTorch's totals, option-A shortcuts as chanpad, each stage one repeat", (name, reference) => {
    const onnx = importOnnx(gunzipSync(readFileSync(join(FIXTURES, `${name}.onnx.gz`))), `${name}.onnx`);
    const network = analyze(onnx.graph).networks[0]!;
    expect([network.totals.params, network.totals.macs]).toEqual([reference.params, reference.macs]);
    expect(network.layers[0]!.shape).toEqual([32, 32, 3]);
    expect(network.layers[network.layers.length - 1]!.shape).toEqual([10]);
    expect(network.layers.filter((l) => l.node.op === "opaque")).toEqual([]);
    expect(network.layers.filter((l) => l.node.op === "chanpad").map((l) => [l.node.id, l.shape])).toEqual([["layer2.0", [16, 16, 32]], ["layer3.0", [8, 8, 64]]]);
    const n = BLOCKS[name]!;
    expect(onnx.graph.networks[0]!.frames.filter((f) => f.kind === "repeat").map((f) => f.label)).toEqual([`×${n}`, `×${n - 1}`, `×${n - 1}`]);
    expect(network.layers.filter((l) => l.node.op === "conv")).toHaveLength(6 * n + 1);
  });

  it("ResNet-1202 is the 5,000-node graph, with the paper's 19.4M parameters", () => {
    const reference = REFERENCES.find((r) => r.model === "resnet1202");
    expect(reference.nodes).toBeGreaterThan(5000);
    expect(Math.round(reference.params / 1e5) / 10).toBe(19.4);
  });
});
