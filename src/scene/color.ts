import type { Color } from "../geometry/types.js";

function clamp(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/**
 * Lightens (factor > 1) or darkens (factor < 1) a `#rrggbb` colour: darkening scales
 * towards black, lightening moves the same proportion towards white, so white stays white.
 */
export function shade(color: Color, factor: number): Color {
  if (!/^#[0-9a-f]{6}$/i.test(color) || factor === 1) return color;
  const channels = [1, 3, 5].map((i) => parseInt(color.slice(i, i + 2), 16));
  const out = channels.map((c) => (factor < 1 ? clamp(c * factor) : clamp(c + (255 - c) * (factor - 1) * 2)));
  return `#${out.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
}
