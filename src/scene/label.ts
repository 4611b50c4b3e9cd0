import type { PlacedLabel } from "../layout/types.js";
import { fontOf, type Theme } from "../themes/index.js";
import type { Point } from "../geometry/types.js";
import type { TextPrimitive } from "./types.js";

/** A label the layout placed, as a text primitive in the theme's style for it. */
export function labelText(l: PlacedLabel, theme: Theme, owner: string): TextPrimitive {
  const style = theme.text[l.style];
  return {
    type: "text",
    role: l.role,
    owner,
    text: l.text,
    at: l.at,
    anchor: l.anchor,
    font: fontOf(theme, style),
    color: style.color,
    width: l.width,
    ...(l.rotate !== undefined ? { rotate: l.rotate } : {}),
  };
}

/** The corners of an axis-aligned rectangle, clockwise from the top left. */
export function rectangle(x: number, y: number, w: number, h: number): Point[] {
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
}
