import type { AnalyzedNetwork } from "../../src/analyze/types.js";
import { ComputePool } from "../../src/engine/pool.js";
import { runNetwork } from "../../src/execute/run.js";
import type { Tensor } from "../../src/engine/tensor.js";
import type { WeightSource } from "../../src/engine/weights.js";
import { analyzeSource } from "../../src/pipeline.js";
import { readProjectFile } from "../helpers/netfig.js";

/**
 * A small network with every exportable layer kind the templates do not use: `same`
 * padding split unevenly, transposed conv, ceil-mode pools, L2 pool, zero padding,
 * channel shuffle, the option-A shortcut, a squeeze-and-excitation gate (fc on 1x1xC,
 * bn on a vector, reshape, scale), upsampling, adaptive pooling, LRN, the piecewise
 * activations, identity, and an fc, dropout and softmax over a sequence.
 */
export const ZOO = `# Every exportable layer kind the templates do not use
input 16x16x3
c1: conv 8 3x3/2 pad=same -> b1: bn -> a1: leakyrelu 0.1
d1: deconv 8 3x3/2 pad=1 output_padding=1 -> r6: relu6
m1: maxpool 3x3/2 ceil
z1: zeropad 0x1x1x0
sh: shuffle 2
g1: conv 16 3x3 pad=1 groups=2 -> hs: hardswish
l2: l2pool 2x2/2 ceil
res: add {
  conv 32 3x3/2 pad=1 -> bn
  zeropad
}
se: globalavgpool from res
se1: fc 8 -> sb: bn -> relu
se2: fc 32 -> hsig: hardsigmoid -> gate: reshape 1x1x32
gated: scale from res, gate
up2: upsample 2
ap: avgpool 3x3/2 pad=1 ceil exclude_pad
n1: lrn 3 alpha=1e-3 beta=0.75 k=2
ad: adaptiveavgpool 2x2
bl: upsample 2 mode=bilinear
cl: clip min=-0.5 max=0.5 -> th: tanh
cat: concat {
  id: identity
  sg: sigmoid
}
flat: flatten
seq: reshape 16x64
sfc: fc 16 -> drop: dropout 0.2 -> sm: softmax
gm: globalmaxpool from cat
`;

/**
 * Issue 11's layer kinds in one network: crop, maxunpool, LeNet's subsampling, scaled
 * tanh and RBF, a conv with a connection table, the VAE sample, the three distances, an
 * embedding, a conv sharing another's weight, and an fc tied to another's weight transposed.
 */
export const KINDS = `
x: input 12x11x2
c1: conv 4 3x3 -> relu
p1: maxpool 2x2/2
c2: conv 4 3x3 pad=1 -> relu
c3: conv 4 3x3 pad=1 shares=c2
u: maxunpool indices=p1
k: crop 8x7
s2: subsample 2x2/2 -> scaledtanh
c5: conv 6 3x3 pad=1 table=[[1, 0, 1, 0, 1, 1], [0, 1, 1, 0, 1, 0], [1, 1, 0, 1, 0, 1], [0, 0, 1, 1, 1, 1]]
fl: flatten
mu: fc 8
lv: fc 8 from fl
z: sample from mu, lv seed=5
r: rbf 5 from z
q: fc 8 from z
tied: fc 72 shares=mu transposed from z
d1: distance l1 from q, z
d2: distance cosine from q, z
d3: distance l2 componentwise from q, z
tok: input 6 tokens=10
e: embedding 10 3
`;

/**
 * Output heads tied to an embedding's table (GPT-2's `lm_head.weight = wte.weight`): on the
 * sequence with a bias of its own (a MatMul by the table transposed, then an Add), and on
 * one token's vector without (a Gemm with transB=1) through an embedding that itself shares.
 */
export const TIED = `
tok: input 6 tokens=11
emb: embedding 11 8
mix: fc 8 -> tanh
head: fc 11 shares=emb
one: input 1 tokens=11
emb2: embedding 11 8 shares=emb
flat: flatten
vhead: fc 11 bias=false shares=emb2
`;

/** The first network of a bundled template, or of the zoo or the tied heads above. */
export function network(name: string): AnalyzedNetwork {
  const text = name === "zoo" ? ZOO : name === "tied" ? TIED : readProjectFile(`templates/${name}.netfig`);
  return analyzeSource(text, `${name}.netfig`).networks[0]!;
}

/** The engine's outputs (the layers nothing reads) for the seeded input of `seed`. */
export async function engineOutputs(analyzed: AnalyzedNetwork, weights: WeightSource, seed: number): Promise<Map<string, Tensor>> {
  const pool = new ComputePool(2);
  try {
    return await runNetwork(analyzed, { weights, pool, seed });
  } finally {
    await pool.close();
  }
}

/** max |a − b| over max |b|: the error relative to the output's own scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return diff / Math.max(scale, 1e-12);
}
