import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { root, summaryOf } from "../helpers/netfig.js";

/**
 * The four Transformer templates against their PyTorch twins
 * (tests/fixtures/torch/transformer_templates.py, torch 1.13 / torchvision 0.14): the output
 * shape, every layer's shape, parameters and MACs (MACs counted from every matrix product
 * the twin runs, so an attention layer's Q, K, V and output projections and its QKᵀ and AV),
 * and the totals.
 */
interface TorchLayer {
  name: string;
  type: string;
  shape: number[];
  params: number;
  macs: number;
}
interface TorchModel {
  totals: { params: number; macs: number; output: number[] };
  unattributed_params: number;
  layers: TorchLayer[];
}
const fixtures: Record<string, TorchModel> = JSON.parse(readFileSync(`${root}/tests/fixtures/torch/transformer_templates.json`, "utf8"));

const ours = (template: string) => {
  const summary = summaryOf(`templates/${template}.netfig`);
  const byName = new Map(summary.layers.map((l) => [l.name, l]));
  const layer = (name: string) => {
    const found = byName.get(name);
    if (!found) throw new Error(`${template} has no layer ${name}`);
    return found;
  };
  return { summary, layer };
};

/** The twin's module by name, or the sum of several modules' counts (netfig's one layer where PyTorch has several). */
function torchOf(model: TorchModel, ...names: string[]): { shape: number[]; params: number; macs: number } {
  const found = names.map((n) => {
    const l = model.layers.find((m) => m.name === n);
    if (!l) throw new Error(`the twin has no module ${n}`);
    return l;
  });
  return { shape: found[found.length - 1]!.shape, params: found.reduce((s, l) => s + l.params, 0), macs: found.reduce((s, l) => s + l.macs, 0) };
}

/** [netfig layer, PyTorch modules it stands for] for each layer with parameters or MACs, per instance of a repeat. */
type Pairs = [string, string[]][];

function expectPairs(template: string, model: TorchModel, pairs: Pairs): void {
  const { layer } = ours(template);
  for (const [mine, theirs] of pairs) {
    const torch = torchOf(model, ...theirs);
    const l = layer(mine);
    expect({ layer: mine, shape: l.shape, params: l.params, macs: l.macs }).toEqual({ layer: mine, shape: torch.shape, params: torch.params, macs: torch.macs });
  }
}

describe("ViT-B/16 against torchvision's vit_b_16 (Dosovitskiy et al., 2021)", () => {
  const vit = fixtures.vit_b16!;
  const { summary } = ours("vit-b16");

  it("has torchvision's 86,567,656 parameters and 17.56 G MACs (torchvision documents 17.56 GFLOPS), exactly", () => {
    expect(vit.totals.params).toBe(86_567_656);
    expect(summary.totals.params).toBe(vit.totals.params);
    expect(summary.totals.macs).toBe(vit.totals.macs);
    expect(summary.totals.macs).toBe(17_563_828_224);
    expect(summary.layers.at(-1)!.shape).toEqual(vit.totals.output);
  });

  it("matches layer by layer: patch embedding, class token and position embedding (the twin's own parameters), every encoder layer, the head", () => {
    const { layer } = ours("vit-b16");
    expect(layer("conv_proj")).toMatchObject({ shape: [196, 768], params: torchOf(vit, "conv_proj").params, macs: torchOf(vit, "conv_proj").macs });
    // torchvision holds the class token on the model and the position embedding on its encoder (768 + 197·768).
    expect(layer("class_token").params).toBe(vit.unattributed_params);
    expect(layer("pos_embedding").params).toBe(torchOf(vit, "encoder").params);
    const pairs: Pairs = [["head", ["heads.head"]], ["ln", ["encoder.ln"]]];
    for (let i = 0; i < 12; i++) {
      const t = `encoder.layers.encoder_layer_${i}`;
      pairs.push([`layers.${i}.ln_1`, [`${t}.ln_1`]], [`layers.${i}.self_attention`, [`${t}.self_attention`]], [`layers.${i}.ln_2`, [`${t}.ln_2`]], [`layers.${i}.mlp.0`, [`${t}.mlp.0`]], [`layers.${i}.mlp.3`, [`${t}.mlp.3`]]);
    }
    expectPairs("vit-b16", vit, pairs);
  });
});

describe("the Transformer, base (Vaswani et al., 2017), against nn.TransformerEncoderLayer and nn.TransformerDecoderLayer", () => {
  const base = fixtures.transformer_base!;
  const { summary } = ours("transformer");

  it("matches every encoder and decoder layer: self-attention, masked self-attention, encoder–decoder attention, FFN, norms", () => {
    const pairs: Pairs = [["src_embed", ["src_embed"]]];
    for (let i = 0; i < 6; i++) {
      for (const m of ["self_attn", "norm1", "linear1", "linear2", "norm2"]) pairs.push([`encoder.${i}.${m}`, [`encoder.layers.${i}.${m}`]]);
      for (const m of ["self_attn", "norm1", "multihead_attn", "norm2", "linear1", "linear2", "norm3"]) pairs.push([`decoder.${i}.${m}`, [`decoder.layers.${i}.${m}`]]);
    }
    expectPairs("transformer", base, pairs);
  });

  it("shares one weight matrix between the two embeddings and the pre-softmax linear (§3.4): the twin's 63,082,496 parameters, exactly", () => {
    const tgt = summary.layers.find((l) => l.name === "tgt_embed")!;
    expect(tgt.shares).toBe("src_embed");
    expect(base.totals.params).toBe(63_082_496);
    expect(summary.totals.params).toBe(base.totals.params);
    // The generator reads the source embedding's table (through the target's), counted there: the twin counts 0 at its generator.
    const generator = summary.layers.find((l) => l.name === "generator")!;
    expect([generator.shares, generator.params, generator.macs]).toEqual(["src_embed", torchOf(base, "generator").params, torchOf(base, "generator").macs]);
    expect(summary.totals.macs).toBe(base.totals.macs);
    expect(summary.layers.at(-1)!.shape).toEqual(base.totals.output);
  });
});

describe("BERT-base (Devlin et al., 2019) against a re-implementation with Hugging Face's modules", () => {
  const bert = fixtures.bert_base!;
  const { summary } = ours("bert-base");

  it("has BERT-base's 109,482,240 parameters and the twin's 11.17 G MACs at 128 tokens", () => {
    expect(bert.totals.params).toBe(109_482_240);
    expect(summary.totals.params).toBe(bert.totals.params);
    expect(summary.totals.macs).toBe(bert.totals.macs);
    expect(summary.layers.at(-1)!.shape).toEqual(bert.totals.output);
  });

  it("matches layer by layer; netfig's attention is BERT's query, key, value and output dense with the two products between them", () => {
    const pairs: Pairs = [
      ["word_embeddings", ["embeddings.word_embeddings"]],
      ["position_embeddings", ["embeddings.position_embeddings"]],
      ["token_type_embeddings", ["embeddings.token_type_embeddings"]],
      ["embeddings_norm", ["embeddings.LayerNorm"]],
      ["pooler", ["pooler.dense"]],
    ];
    for (let i = 0; i < 12; i++) {
      const t = `encoder.layer.${i}`;
      pairs.push([`encoder.${i}.attention_norm`, [`${t}.attention.output.LayerNorm`]], [`encoder.${i}.intermediate`, [`${t}.intermediate.dense`]], [`encoder.${i}.output`, [`${t}.output.dense`]], [`encoder.${i}.output_norm`, [`${t}.output.LayerNorm`]]);
    }
    expectPairs("bert-base", bert, pairs);
    const { layer } = ours("bert-base");
    for (let i = 0; i < 12; i++) {
      const t = `encoder.layer.${i}`;
      // attention.self ran the three projections, QKᵀ and AV; the output dense is the fourth projection.
      expect(layer(`encoder.${i}.attention`)).toMatchObject({
        shape: torchOf(bert, `${t}.attention.output.dense`).shape,
        params: torchOf(bert, `${t}.attention.self.query`, `${t}.attention.self.key`, `${t}.attention.self.value`, `${t}.attention.output.dense`).params,
        macs: torchOf(bert, `${t}.attention.self`, `${t}.attention.output.dense`).macs,
      });
    }
  });
});

describe("GPT-2 small (Radford et al., 2019) against a re-implementation with Hugging Face's modules", () => {
  const gpt = fixtures.gpt_small!;
  const { summary } = ours("gpt-small");

  it("matches every block: pre-norm, causal attention (c_attn and c_proj with QKᵀ and AV), the tanh-GELU MLP", () => {
    const pairs: Pairs = [["wte", ["wte"]], ["wpe", ["wpe"]], ["ln_f", ["ln_f"]]];
    for (let i = 0; i < 12; i++) {
      pairs.push([`h.${i}.ln_1`, [`h.${i}.ln_1`]], [`h.${i}.ln_2`, [`h.${i}.ln_2`]], [`h.${i}.c_fc`, [`h.${i}.mlp.c_fc`]], [`h.${i}.c_proj`, [`h.${i}.mlp.c_proj`]]);
    }
    expectPairs("gpt-small", gpt, pairs);
    const { layer } = ours("gpt-small");
    for (let i = 0; i < 12; i++) {
      // The attention module's MACs are everything it ran; its parameters are its two linears'.
      expect(layer(`h.${i}.attn`)).toMatchObject({ shape: [1024, 768], params: torchOf(gpt, `h.${i}.attn.c_attn`, `h.${i}.attn.c_proj`).params, macs: torchOf(gpt, `h.${i}.attn`).macs });
    }
  });

  it("is GPT-2's 124,439,808 parameters, exactly: the LM head tied to the token embedding counts its weight once, at wte", () => {
    expect(gpt.totals.params).toBe(124_439_808);
    expect(summary.totals.params).toBe(gpt.totals.params);
    const head = summary.layers.find((l) => l.name === "lm_head")!;
    expect([head.shares, head.params, head.macs]).toEqual(["wte", torchOf(gpt, "lm_head").params, torchOf(gpt, "lm_head").macs]);
    expect(summary.totals.macs).toBe(gpt.totals.macs);
    expect(summary.layers.at(-1)!.shape).toEqual(gpt.totals.output);
  });
});
