import type { OpExport } from "../builder.js";
import { bn, clip, dropout, gelu, hardsigmoid, hardswish, identity, leakyrelu, lrn, relu, relu6, sigmoid, softmax, tanh } from "./activation.js";
import { conv, deconv, proj } from "./conv.js";
import { fc } from "./dense.js";
import { add, concat, scale } from "./merge.js";
import { adaptiveavgpool, avgpool, globalavgpool, globalmaxpool, l2pool, maxpool } from "./pool.js";
import { chanpad, flatten, reshape, shuffle, slice, upsample, zeropad } from "./shape.js";
import { crop, maxunpool } from "./spatial.js";
import { rbf, scaledtanh, subsample } from "./lenet.js";
import { distance, embedding, sample } from "./pairs.js";
import { attention } from "./attention.js";
import { layernorm } from "./normalization.js";
import { clstoken, patchembed, posembed, token } from "./tokens.js";
import { gru, lstm, rnn } from "./recurrent.js";

/** The ONNX writer of each layer kind that has a forward, by canonical op name. */
export const EXPORTS: Readonly<Record<string, OpExport>> = {
  conv, deconv, proj, fc,
  maxpool, avgpool, l2pool, globalavgpool, globalmaxpool, adaptiveavgpool,
  relu, leakyrelu, tanh, sigmoid, softmax, relu6, clip, hardsigmoid, hardswish, identity, dropout, bn, lrn,
  flatten, reshape, shuffle, slice, zeropad, upsample, chanpad,
  concat, add, scale,
  crop, maxunpool, subsample, rbf, scaledtanh, embedding, distance, sample,
  layernorm, gelu, attention, patchembed, clstoken, posembed, token,
  rnn, lstm, gru,
};
