import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, summaryOf } from "../helpers/netfig.js";

/**
 * ViT-B/16 written in the language (tests/fixtures/netfig/vit-b-16.netfig) against
 * torchvision's vit_b_16: its parameter count (86,567,656, `ViT_B_16_Weights` meta
 * `num_params`) and its documented 17.564 GFLOPS, which are multiply-accumulates of the
 * projection GEMMs, QKᵀ and AV, the patch embedding and the head. The fixture counts the
 * same model's products as PyTorch dispatches them, for the whole model and module by module
 * (tests/fixtures/torch/transformer_ops.py).
 */
const torchvision = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/transformer_ops.json`, "utf8")).vit_b_16;
const vit = summaryOf("tests/fixtures/netfig/vit-b-16.netfig");
const torchvisionLayer = (module: string): { shape: number[]; params: number; macs: number } => torchvision.layers.find((l: { module: string }) => l.module === module);

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

  it.each([
    ["layers.0.ln_1", "encoder.layers.encoder_layer_0.ln_1"],
    ["layers.0.self_attention", "encoder.layers.encoder_layer_0.self_attention"],
    ["layers.0.ln_2", "encoder.layers.encoder_layer_0.ln_2"],
    ["layers.0.fc_1", "encoder.layers.encoder_layer_0.mlp.0"],
    ["layers.0.fc_2", "encoder.layers.encoder_layer_0.mlp.3"],
    ["ln", "encoder.ln"],
    ["head", "heads.head"],
  ])("%s has the shape, parameters and MACs of torchvision's %s", (ours, module) => {
    const layer = vit.layers.find((l) => l.name === ours)!;
    const torch = torchvisionLayer(module);
    expect([layer.shape, layer.params, layer.macs]).toEqual([torch.shape, torch.params, torch.macs]);
  });

  it("conv_proj is torchvision's 14×14×768 patch conv, flattened to 196 tokens", () => {
    const layer = vit.layers.find((l) => l.name === "conv_proj")!;
    const torch = torchvisionLayer("conv_proj");
    expect(torch.shape).toEqual([14, 14, 768]);
    expect([layer.shape, layer.params, layer.macs]).toEqual([[14 * 14, 768], torch.params, torch.macs]);
  });

  it("each encoder block has torchvision's EncoderBlock's parameters and MACs", () => {
    const block = vit.layers.filter((l) => l.name.startsWith("layers.0."));
    const torch = torchvisionLayer("encoder.layers.encoder_layer_0");
    expect([block.reduce((n, l) => n + l.params, 0), block.reduce((n, l) => n + l.macs, 0)]).toEqual([torch.params, torch.macs]);
  });

  it("spends 524,391,936 MACs in each attention layer: four 197·768·768 projections and two 197·197·768 products", () => {
    const attention = vit.layers.find((l) => l.name === "layers.0.self_attention")!;
    expect(attention.macs).toBe(4 * 197 * 768 * 768 + 2 * 197 * 197 * 768);
    expect(attention.macs).toBe(524_391_936);
  });
});
