import type { Epilogue } from "../engine/kernels/conv.js";
import type { ChannelAffine } from "../engine/kernels/norm.js";
import type { ComputePool } from "../engine/pool.js";
import type { Tensor } from "../engine/tensor.js";
import type { WeightSource } from "../engine/weights.js";

/**
 * A tensor shape without the batch dimension, written the way papers write it:
 * `[H, W, C]` for images, `[N]` for vectors, `[T, N]` for sequences.
 */
export type Shape = number[];

/** Attribute values after compilation: plain JSON, so a graph can be serialised. */
export type AttrValue = number | string | boolean | number[] | null;
export type Attrs = Record<string, AttrValue>;

/** Where a layer kind sits in the figure: picks its colour and its legend entry. */
export type OpCategory =
  | "input"
  | "conv"
  | "deconv"
  | "pool"
  | "norm"
  | "activation"
  | "dense"
  | "reshape"
  | "regularization"
  | "merge"
  | "shortcut"
  | "recurrent"
  /** Multi-head attention. */
  | "attention"
  /** Learned or fixed vectors looked up or added by position: word, class-token and position embeddings. */
  | "embedding"
  /** A layer netfig knows only by name (`opaque`): the legend lists it by its own type. */
  | "opaque";

/** An argument as written on a layer line, after block parameters are substituted. */
export type ArgValue =
  | { kind: "number"; value: number }
  | { kind: "word"; value: string }
  | { kind: "string"; value: string }
  | { kind: "dims"; dims: number[]; stride?: number[] }
  /** A literal tensor (`[[1, 0, -1], …]`): its nested shape and its values, row-major. */
  | { kind: "tensor"; shape: number[]; data: number[] };

/** The arguments of one layer: positional values in order, `key=value` pairs, bare flag words. */
export interface OpArgs {
  positional: ArgValue[];
  named: Record<string, ArgValue>;
  flags: string[];
}

/** Raised by an op's `compile` when its arguments are wrong; the compiler adds the location. */
export class ArgError extends Error {
  constructor(message: string, readonly hint?: string, readonly argument?: string) {
    super(message);
  }
}

/** Raised by an op's `outShape` when its input shapes do not fit; the analysis adds the location. */
export class ShapeError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/**
 * Raised by an op's `forward` when the values it is given are not what it reads (an
 * embedding's ids that are not token ids); the run adds the layer's location.
 */
export class DataError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
  }
}

/** One spatial step of the receptive-field recurrence (Araujo et al., Distill 2019). */
export interface ReceptiveStep {
  /** Effective kernel extent along H and W (dilation included). */
  kernel: [number, number];
  /** Stride along H and W; below 1 for upsampling layers. */
  stride: [number, number];
}

/** What a layer's forward pass may use besides its input tensors. */
export interface ForwardContext {
  /** The layer id: its parameters are `<id>.weight`, `<id>.bias`, … as in a PyTorch state dict. */
  layer: string;
  weights: WeightSource;
  /** Runs the kernels across threads (conv, transposed conv, linear, pooling, the elementwise layers); its outputs may be views of its memory. */
  pool: ComputePool;
  /** The analysed input shapes (`[H, W, C]`), a shortcut's target shape last. */
  inputShapes: Shape[];
  /** The analysed output shape. */
  out: Shape;
  /** A ReLU follows: weights initialise with He, otherwise Xavier. */
  reluFollows: boolean;
  /**
   * A layer that shares only another's weight matrix (`shares=`; a transposed fc, an fc
   * reading an embedding's table) reads it from this layer, the one that owns it; its
   * other parameters are its own, under `layer`.
   */
  tiedTo?: string;
  /**
   * Receives a tensor the layer computes on the way that a figure may show (attention's
   * weights `[H, T, S]` as `"attention"`); absent when nothing asks, so nothing is kept.
   */
  keepIntermediate?(name: string, tensor: Tensor): void;
  /**
   * Given only to an op with `absorbsEpilogue`, when the run keeps no output of the layers
   * it stands for: apply this to the output (an affine per output channel, the sum with a
   * residual, then max(0, ·)).
   */
  epilogue?: Epilogue;
}

/**
 * What a layer's parameters depend on besides its attributes. The ops that have
 * parameters export a `…Parameters(attrs, ctx)` beside their forward, which both the
 * forward and `netfig export` call, so both read the same names, shapes and inits.
 */
export type ParameterContext = Pick<ForwardContext, "layer" | "weights" | "inputShapes" | "reluFollows" | "tiedTo">;

/** A layer above that a setting names (`crop like=up4`), as the compiler found it. */
export interface ReferencedLayer {
  id: string;
  op: string;
  attrs: Attrs;
  inputs: string[];
}

/**
 * What a setting naming a layer adds to the layer that has it: the layers it reads besides
 * its own input (after it, in order) and attributes taken from the named layer; a string
 * is the error, said about the named layer.
 */
export type LayerReference = (layer: ReferencedLayer) => { inputs: string[]; attrs: Attrs } | string;

/**
 * A layer kind, defined once: how its arguments read, its shape rule, its counts and
 * its receptive-field step. Everything else (analysis, layout, engine) looks it up.
 */
export interface OpDef<A extends Attrs = Attrs> {
  /** Canonical name as written in `.netfig` (`conv`). */
  name: string;
  aliases?: string[];
  category: OpCategory;
  /** One line for docs and legends. */
  description: string;
  /** How many inputs the layer reads. */
  inputs: "none" | "one" | "many";
  /** Validates and normalises written arguments into attributes; throws ArgError. */
  compile(args: OpArgs): A;
  /** Output shape from input shapes; throws ShapeError. */
  outShape(inputs: Shape[], attrs: A): Shape;
  /** Trainable parameters, as PyTorch counts them. */
  params(inputs: Shape[], out: Shape, attrs: A): number;
  /** Multiply-accumulates (conv, deconv, fc, recurrent); 0 for everything else. */
  macs(inputs: Shape[], out: Shape, attrs: A): number;
  /** Spatial receptive-field step; omitted means the layer keeps position (k = 1, s = 1). */
  receptive?(inputs: Shape[], attrs: A): ReceptiveStep;
  /** Short text for the figure, e.g. `5×5/2`; omitted means the op name alone. */
  describe?(attrs: A): string;
  /** The legend's name for the layer when the kind is a stand-in (an opaque layer's own type, `Einsum`); omitted means the op name. */
  legendName?(attrs: A): string;
  /**
   * The layer mixes neighbouring channels (LRN). Inside towers it then runs on all
   * lanes' channels together and keeps its lane's share, as Caffe's grouped AlexNet does.
   */
  mixesChannels?: boolean;
  /**
   * Every step of the output reads every step of the input (attention): past it the
   * receptive field is the whole input image, whatever the steps' own fields were.
   */
  mixesSteps?: boolean;
  /**
   * A rectifier (ReLU, leaky ReLU): a layer whose output only rectifiers read initialises
   * its weights with He (`ForwardContext.reluFollows`), any other with Xavier.
   */
  rectifies?: boolean;
  /** The layer is exactly max(0, x), NaN kept (ReLU): an `absorbsEpilogue` layer before it may apply it itself. */
  clampsAtZero?: boolean;
  /**
   * The layer is an affine per channel (inference BatchNorm), these scale and shift: an
   * `absorbsEpilogue` layer before it may apply it to its own output.
   */
  channelAffine?(attrs: A, ctx: ParameterContext): ChannelAffine;
  /**
   * The layer is the elementwise float32 sum of its equal-shaped inputs, in their order
   * (a residual addition): an `absorbsEpilogue` layer that is one of two inputs may add
   * the other to its own output.
   */
  sumsInputs?: boolean;
  /**
   * Its forward applies `ForwardContext.epilogue`: the run may hand it the per-channel
   * affine, the sum with another tensor and the rectifier that are its only readers,
   * and skip those layers.
   */
  absorbsEpilogue?: boolean;
  /**
   * `weights=` may give the layer's weight in the file (`conv 1 3x3 weights=[[1, 0, -1], …]`),
   * PyTorch's layout (conv `[M, C, kh, kw]`, fc `[out, in]`); the engine serves it as
   * `<layer>.weight` in place of an initialised one. Other layers refuse `weights=`.
   */
  literalWeights?: boolean;
  /**
   * A residual shortcut written as the head of an `add { }` branch: these words make this
   * op there (`proj`, `zeropad`), with the main branch's last layer as its target. A word
   * that is also another op's name (`zeropad 1`, spatial padding) is that op when it has arguments.
   */
  shortcutHeads?: string[];
  /**
   * Changes nothing a reader of the figure needs to see (flatten): with folding on, block
   * figures draw no block for it and the arrow from the block before stands for it.
   * `"always"`: the layer is its input unchanged (identity), so even an unfolded figure
   * draws it as nothing but the arrow, however many layers read that input.
   */
  passThrough?: boolean | "always";
  /**
   * Settings whose value names a layer above (`crop like=up4`, `maxunpool indices=pool1`):
   * the compiler resolves the name in scope and applies the reference. The op's `compile`
   * still sees the setting (as a word) to know it was given.
   */
  references?: Record<string, LayerReference>;
  /**
   * The weight matrix `[rows, columns]` a layer of another kind may read as its own with
   * `shares=` (an embedding's table `[V, D]`, which GPT-2's output head reads:
   * `lm_head.weight = wte.weight`).
   */
  lendsMatrix?(attrs: A): [number, number];
  /**
   * The weight matrix `[rows, columns]` this layer reads when it `shares=` another kind's
   * `lendsMatrix` (fc: `[units, features]`); its other parameters stay its own.
   */
  borrowsMatrix?(inputs: Shape[], attrs: A): [number, number];
  /** Block figures draw the layer as a ⊕ node (an elementwise sum), not as a tensor block. */
  drawnAsSum?: boolean;
  /**
   * The layer changes no unit's count and acts on each unit's value (activations, dropout,
   * identity). Figures that draw single units (the neuron and sequence styles) write it as
   * this word under the layer it follows (`ReLU`, `dropout 0.5`) instead of drawing it;
   * omitted, the layer is drawn as a layer of its own (and those styles cannot draw it).
   */
  note?(attrs: A): string;
  /**
   * Runs the layer on tensors in PyTorch layout without the batch (`[C, H, W]`, `[N]`,
   * `[T, N]`), fetching its parameters from `ctx.weights`. Omitted: not executable yet.
   */
  forward?(inputs: Tensor[], attrs: A, ctx: ForwardContext): Tensor | Promise<Tensor>;
}
