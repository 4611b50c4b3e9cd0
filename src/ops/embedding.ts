import { embeddingLookup } from "../engine/kernels/embedding.js";
import type { Tensor } from "../engine/tensor.js";
import type { WeightSource } from "../engine/weights.js";
import { asPositiveInt, ArgReader } from "./args.js";
import { writtenShape } from "./shape.js";
import { ArgError, DataError, ShapeError, type OpDef } from "./types.js";

export type EmbeddingAttrs = { vocabulary: number; dimension: number };

/**
 * `<layer>.weight` `[V, D]`. PyTorch draws it from N(0, 1); the seeded engine uses the
 * uniform distribution of the same variance, U(−√3, √3), as its seeded inputs do.
 */
export function embeddingWeight(weights: WeightSource, layer: string, attrs: EmbeddingAttrs): Tensor {
  // He's bound √(6 / fanIn) is √3 for fanIn 2.
  return weights.get(`${layer}.weight`, [attrs.vocabulary, attrs.dimension], { kind: "he", fanIn: 2 });
}

/** A lookup table of word vectors (PyTorch `nn.Embedding(V, D)`): T token ids in, `T×D` out. */
export const embedding: OpDef<EmbeddingAttrs> = {
  name: "embedding",
  aliases: ["embed"],
  category: "embedding",
  description: "lookup table of vectors: VOCABULARY DIMENSION (T token ids in, TxD out)",
  inputs: "one",
  compile(args) {
    const reader = new ArgReader(args, "embedding");
    const vocabulary = reader.positional("number") ?? reader.named("vocabulary", "num_embeddings");
    const dimension = reader.positional("number") ?? reader.named("dimension", "dim", "embedding_dim");
    if (!vocabulary || !dimension) throw new ArgError("embedding needs a vocabulary size and a vector size", "write e.g. embedding 20000 128");
    reader.finish(["vocabulary", "dimension"]);
    return { vocabulary: asPositiveInt(vocabulary, "vocabulary"), dimension: asPositiveInt(dimension, "dimension") };
  },
  outShape([input], attrs) {
    if (input!.length !== 1) throw new ShapeError(`embedding reads a sequence of token ids (T), got ${writtenShape(input!)}`, "start with input T tokens=VOCABULARY");
    return [input![0]!, attrs.dimension];
  },
  params: (_inputs, _out, attrs) => attrs.vocabulary * attrs.dimension,
  macs: () => 0,
  lendsMatrix: (attrs) => [attrs.vocabulary, attrs.dimension],
  describe: (attrs) => `${attrs.vocabulary}→${attrs.dimension}`,
  forward([ids], attrs, ctx) {
    const bad = ids!.data.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= attrs.vocabulary);
    if (bad >= 0) {
      throw new DataError(`token ${bad} is ${ids!.data[bad]}, not a whole number in [0, ${attrs.vocabulary})`, `give the input as token ids: input ${ids!.shape[0]} tokens=${attrs.vocabulary}`);
    }
    return embeddingLookup(ids!, embeddingWeight(ctx.weights, ctx.layer, attrs));
  },
};
