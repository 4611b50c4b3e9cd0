/**
 * The layout stage's shared pieces. Each figure style lays out in its own module here
 * (blocks.ts, neurons.ts, sequence.ts, arithmetic.ts, receptive.ts); which one runs for a
 * network, and with what, is the figure style's business (src/styles/, which also holds
 * the `layout()` that dispatches).
 */

export type { LaidOutBlocks, LaidOutNode, LaidOutEdge, LaidOutFrame, PlacedLabel, Rect } from "./types.js";

/** The network to draw: one lookup for every stage and command (analyze/network.ts). */
export { pickNetwork } from "../analyze/network.js";
