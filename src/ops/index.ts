import type { OpDef } from "./types.js";
import { conv } from "./conv.js";
import { deconv } from "./deconv.js";
import { adaptiveavgpool, avgpool, globalavgpool, globalmaxpool, l2pool, maxpool } from "./pool.js";
import { bn, dropout, identity, leakyrelu, lrn, relu, sigmoid, softmax, tanh } from "./elementwise.js";
import { fc, flatten } from "./dense.js";
import { upsample, zeropad } from "./resample.js";
import { gru, lstm, rnn } from "./recurrent.js";
import { add, concat } from "./merge.js";
import { chanpad, proj } from "./shortcut.js";
import { input } from "./input.js";
import { clip, hardsigmoid, hardswish, relu6 } from "./hard.js";
import { scale } from "./scale.js";
import { shuffle } from "./shuffle.js";
import { reshape } from "./reshape.js";
import { opaque } from "./opaque.js";
import { crop } from "./crop.js";
import { embedding } from "./embedding.js";
import { maxunpool } from "./unpool.js";
import { sample } from "./sample.js";
import { distance } from "./distance.js";
import { subsample } from "./subsample.js";
import { rbf } from "./rbf.js";
import { scaledtanh } from "./scaled-tanh.js";
import { slice } from "./slice.js";
import { layernorm } from "./layernorm.js";
import { gelu } from "./gelu.js";
import { attention } from "./attention.js";
import { patchembed } from "./patchembed.js";
import { clstoken } from "./clstoken.js";
import { posembed } from "./posembed.js";
import { token } from "./token.js";

// Each op narrows Attrs to its own type; the registry stores them at the common type.
const ALL = [
  input, conv, deconv, maxpool, avgpool, l2pool, globalavgpool, globalmaxpool, adaptiveavgpool,
  lrn, bn, relu, leakyrelu, tanh, sigmoid, softmax, fc, flatten, dropout, upsample, zeropad,
  identity, rnn, lstm, gru, concat, add, proj, chanpad,
  relu6, clip, hardsigmoid, hardswish, scale, shuffle, reshape, slice, opaque,
  crop, embedding, maxunpool, sample, distance, subsample, rbf, scaledtanh,
  layernorm, gelu, attention, patchembed, clstoken, posembed, token,
] as unknown as OpDef[];

const byName = new Map<string, OpDef>();
for (const op of ALL) {
  byName.set(op.name, op);
  for (const alias of op.aliases ?? []) byName.set(alias, op);
}

/** Every layer kind, canonical names only, in a stable order. */
export const ops: readonly OpDef[] = ALL;

/** The op a written kind (canonical name or alias, any case) refers to. */
export function findOp(kind: string): OpDef | undefined {
  return byName.get(kind.toLowerCase());
}

/** The op of a compiled node's `op` field; compiled graphs only hold canonical names. */
export function getOp(name: string): OpDef {
  const op = byName.get(name);
  if (!op) throw new Error(`no op named ${name}`);
  return op;
}

/** All written names (canonical and aliases), for "did you mean" suggestions. */
export function opNames(): string[] {
  return [...byName.keys()];
}
