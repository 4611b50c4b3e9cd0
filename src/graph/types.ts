import type { SourceLocation } from "../lang/diagnostics.js";
import type { AttrValue, Attrs } from "../ops/types.js";

/** Shapes and attribute values are the ops' vocabulary (ops come before the graph); the graph re-exports them. */
export type { AttrValue, Attrs, Shape } from "../ops/types.js";

/** One layer of the network: a node of the layer graph. */
export interface LayerNode {
  /** Unique within its network; scoped like PyTorch module names (`layer1.0.conv1`). */
  id: string;
  /** Canonical layer kind, a key of the op registry (`conv`, `maxpool`, `add`, …). */
  op: string;
  /** Op-specific attributes, validated by the op's `compile`. */
  attrs: Attrs;
  /** Ids of the nodes this layer reads, in order. Empty only for `input`. */
  inputs: string[];
  /** Free label for the figure (`"conv1\n11×11/4"`), as written. */
  label?: string;
  /** True when the user did not name the layer and the id was generated. */
  autoNamed: boolean;
  /** Where the layer was written; diagnostics point here. */
  loc: SourceLocation;
  /** Enclosing frames, outermost first (block instances, repeats, towers, groups). */
  frames: string[];
  /** Set for layers inside `towers N { }`: which lane, and the id shared by all lanes. */
  tower?: { index: number; count: number; base: string };
}

export type FrameKind = "block" | "repeat" | "towers" | "group";

/** A named region of the graph, drawn as a labelled frame and foldable (`×N`). */
export interface Frame {
  id: string;
  kind: FrameKind;
  /** Text for the frame's label: the instance's name (`fire2`, `layer2.0`), a group's, `×3`, … */
  label: string;
  /** A block instance's definition (`fire`, `basic`), when the label names the instance. */
  block?: string;
  parent?: string;
  /** For frames that are one instance of a `repeat`: 0-based index and count. */
  repeat?: { index: number; count: number; group: string };
  /** A block call written `shares=OTHER`: the frame whose parameters its layers reuse. */
  shares?: string;
  loc: SourceLocation;
}

/** Figure settings from `figure { }` blocks: raw key → value, given meaning by later stages. */
export type FigureSettings = Record<string, AttrValue>;

export interface Network {
  name: string;
  title?: string;
  caption?: string;
  /** In topological order: every node appears after all of its inputs. */
  nodes: LayerNode[];
  frames: Frame[];
  figure: FigureSettings;
  loc: SourceLocation;
}

/** A compiled `.netfig` file: one or more networks plus file-level figure settings. */
export interface Graph {
  file: string;
  networks: Network[];
  figure: FigureSettings;
}
