import type { OpCategory } from "../ops/types.js";
import type { Color } from "../geometry/types.js";

/** Fill and outline of one layer kind; the top and side faces are shaded from `fill`. */
export interface CategoryStyle {
  fill: Color;
  /** Legend text for the kind. */
  name: string;
}

export interface TextStyle {
  size: number;
  weight: "normal" | "bold";
  style: "normal" | "italic";
  color: Color;
}

/** Everything a figure's look depends on; layout reads the fonts, the scene reads the rest. */
export interface Theme {
  name: string;
  background: Color;
  /** Font family key of the registry in `src/text/fonts.ts`. */
  font: string;
  categories: Record<OpCategory, CategoryStyle>;
  outline: { color: Color; width: number };
  /** Multiplies the fill's lightness on the top face (>1 lighter) and the side face (<1 darker). */
  shade: { top: number; side: number };
  /** Face opacity; below 1 lets the dashed hidden edges show through, as PlotNeuralNet draws. */
  faceOpacity: number;
  hiddenEdges: boolean;
  /** Arrow heads follow the stroke width (`render/arrow.ts`), the same in every format. */
  edge: { color: Color; width: number };
  frame: { color: Color; width: number; dash: number[]; fill: Color };
  text: {
    shape: TextStyle;
    name: TextStyle;
    detail: TextStyle;
    channels: TextStyle;
    frame: TextStyle;
    title: TextStyle;
    legend: TextStyle;
    badge: TextStyle;
    merge: TextStyle;
  };
}
