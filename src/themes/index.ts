import { mono } from "./mono.js";
import { paper } from "./paper.js";
import type { Theme, TextStyle } from "./types.js";
import type { FontSpec } from "../geometry/types.js";
import { visio } from "./visio.js";

export type { Theme, TextStyle, CategoryStyle } from "./types.js";

const THEMES: Record<string, Theme> = { paper, visio, mono };

export const THEME_NAMES: readonly string[] = Object.keys(THEMES);

export function getTheme(name: string): Theme {
  const theme = THEMES[name];
  if (!theme) throw new Error(`unknown theme "${name}": use ${THEME_NAMES.join(", ")}`);
  return theme;
}

/** The font spec a text style draws with in a theme. */
export function fontOf(theme: Theme, style: TextStyle): FontSpec {
  return { family: theme.font, weight: style.weight, style: style.style, size: style.size };
}
