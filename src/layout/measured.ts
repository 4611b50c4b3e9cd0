import { fontOf, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import type { LabelStyle, PlacedLabel } from "./types.js";

/**
 * A line of text in a theme's style, measured and not yet placed (at the origin): the one
 * helper every figure style lays its labels out with.
 */
export function measuredLabel(theme: Theme, role: string, style: LabelStyle, text: string, anchor: PlacedLabel["anchor"] = "middle"): PlacedLabel {
  const m = measureText(text, fontOf(theme, theme.text[style]));
  return { role, text, at: [0, 0], anchor, style, width: m.width, ascent: m.ascent, descent: m.descent };
}
