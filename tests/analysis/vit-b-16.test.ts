import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, summaryOf } from "../helpers/netfig.js";

/**
 * ViT-B/16 written in the language (tests/fixtures/netfig/vit-b-16.netfig) against
 * torchvision's vit_b_16: its parameter count (86,567,656, `ViT_B_16_Weights` meta
 * `num_params`) and its documented 17.564 GFLOPS, which are multiply-accumulates of the
 * projection GEMMs, QKᵀ and AV, the patch embedding and the head. The fixture counts the
 * same model's products as PyTorch dispatches them (tests/fixtures/torch/transformer_ops.py).
 */
const torchvision = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/transformer_ops.json`, "utf8")).vit_b_16;
const vit = summaryOf("tests/fixtures/netfig/vit-b-16.netfig");

describe("ViT-B/16 against torchvision's vit_b_16", () => {
  it("has exactly 86,567,656 parameters", () => {
    expect(vit.totals.params).toBe(86_567_656);
    expect(vit.totals.params).toBe(torchvision.params);
  });

  it("does 17.564 G multiply-accumulates, torchvision's documented GFLOPS, and exactly the products PyTorch runs", () => {
    expect(Math.round(vit.totals.macs / 1e6) / 1e3).toBe(17.564);
    expect(torchvision.documented_gflops).toBe(17.564);
    expect(vit.totals.macs).toBe(torchvision.macs);
  });

  it("turns 224×224×3 into 197 tokens of 768 and classifies the class token into 1000", () => {
    const shape = (name: string) => vit.layers.find((l) => l.name === name)!.shape;
    expect(shape("conv_proj")).toEqual([196, 768]);
    expect(shape("class_token")).toEqual([197, 768]);
    expect(shape("layers.11.self_attention")).toEqual([197, 768]);
    expect(shape("head")).toEqual([1000]);
  });

  it("spends 524,391,936 MACs in each attention layer: four 197·768·768 projections and two 197·197·768 products", () => {
    const attention = vit.layers.find((l) => l.name === "layers.0.self_attention")!;
    expect(attention.macs).toBe(4 * 197 * 768 * 768 + 2 * 197 * 197 * 768);
    expect(attention.macs).toBe(524_391_936);
  });
});
