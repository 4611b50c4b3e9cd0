/**
 * Every tensor a 3D block, placed by the direct layout or by ELK: the style for every
 * network the others do not fit. Its variants (other arrangements of the same blocks) are
 * one registry entry each: `blocksStyle(name, auto, …settings layoutBlocks takes after the theme)`.
 */
import { layoutBlocks, type BlocksLayout } from "../layout/blocks.js";
import { drawBlocks } from "../scene/blocks.js";
import type { FigureStyleModule } from "./types.js";

/** The blocks figure: positioned nodes, edges and frames (its size is the laid-out figure's). */
export type BlocksFigure = Omit<BlocksLayout, "width" | "height">;

/** What `layoutBlocks` takes after the network, the options and the theme (an arrangement, …). */
type BlocksSettings = Parameters<typeof layoutBlocks> extends [unknown, unknown, unknown, ...infer Rest] ? Rest : [];

/** A blocks style named `name`, laid out by `layoutBlocks` with `settings`; `auto` says whether `style: auto` may pick it. */
export function blocksStyle<S extends string>(name: S, auto: boolean, ...settings: BlocksSettings): FigureStyleModule<S, BlocksFigure> {
  return {
    name,
    auto,
    fits: () => true,
    async layout(network, options, theme) {
      const { width, height, ...figure } = await layoutBlocks(network, options, theme, ...settings);
      return { figure, width, height };
    },
    draw(laidOut, theme, options, sceneOptions) {
      const { network, width, height, figure } = laidOut;
      const blocks = { network, options: laidOut.options, width, height, ...figure, ...(laidOut.theme ? { theme: laidOut.theme } : {}) };
      const { primitives, present } = drawBlocks(blocks, options, theme, sceneOptions.activations);
      return { primitives, width, height, present };
    },
  };
}

export const blocks = blocksStyle("blocks", true);
/** PlotNeuralNet's look: runs of one spatial size as slabs face to face, one label a run (`style: compact`, like `compact: true`). */
export const compact = blocksStyle("compact", false, { compact: true });
