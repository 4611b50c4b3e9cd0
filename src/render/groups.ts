/**
 * The scene as the groups an editable output writes: one group per layer (its faces,
 * bands, thumbnail and labels; a folded layer's band a group inside its block's), and one
 * each for the edges, the frames, the legend, the title, the kernel pyramids and whatever
 * else annotates the figure. SVG `<g>`, TikZ scopes and PowerPoint group shapes are all
 * written from this one tree, so the three formats group alike.
 */

import type { Primitive, Scene, SceneLayer } from "../scene/types.js";

/** The groups of things that are not a layer, in the order a blocks figure paints them. */
export type ChromeKind = "page-title" | "frames" | "edges" | "pyramids" | "legend" | "annotations";

export interface LayerGroup {
  kind: "layer";
  /** The layer's qualified name, exactly. */
  name: string;
  /** What the analysis says about it; absent when the scene carries no layer table. */
  info?: SceneLayer;
  /** In painter's order; a folded layer's group sits among its block's faces. */
  items: (Primitive | LayerGroup)[];
}

export interface ChromeGroup {
  kind: ChromeKind;
  items: Primitive[];
}

export type SceneGroup = LayerGroup | ChromeGroup;

/** Where a primitive that draws no layer belongs, by what it is. */
export function chromeKind(p: Primitive): ChromeKind {
  if (p.role === "title") return "page-title";
  if (p.role === "frame" || p.role === "label-frame") return "frames";
  if (p.role.startsWith("edge")) return "edges";
  if (p.role === "pyramid" || p.role === "kernel") return "pyramids";
  if (p.role.startsWith("legend")) return "legend";
  return "annotations";
}

export function isGroup(item: Primitive | LayerGroup): item is LayerGroup {
  return (item as LayerGroup).kind === "layer";
}

/**
 * Groups the scene's primitives. A scene draws each group's primitives one after another
 * (scene/blocks.ts does), so grouping keeps the painter's order exactly; a primitive that
 * comes back to a group after another group started joins it there, drawn a little earlier.
 */
export function groupScene(scene: Scene): SceneGroup[] {
  const info = new Map((scene.layers ?? []).map((l) => [l.name, l]));
  const groups: SceneGroup[] = [];
  const byKey = new Map<string, SceneGroup>();
  const layerGroup = (name: string): LayerGroup => ({ kind: "layer", name, ...(info.has(name) ? { info: info.get(name)! } : {}), items: [] });
  for (const p of scene.primitives) {
    const top = p.layer === undefined ? chromeKind(p) : (p.foldedInto ?? p.layer);
    const key = p.layer === undefined ? `chrome:${top}` : `layer:${top}`;
    let group = byKey.get(key);
    if (!group) {
      group = p.layer === undefined ? { kind: top as ChromeKind, items: [] } : layerGroup(top);
      byKey.set(key, group);
      groups.push(group);
    }
    if (group.kind !== "layer") {
      group.items.push(p);
    } else if (p.foldedInto === undefined || p.foldedInto === p.layer) {
      group.items.push(p);
    } else {
      const name = p.layer!;
      let inner = group.items.find((item): item is LayerGroup => isGroup(item) && item.name === name);
      if (!inner) {
        inner = layerGroup(name);
        group.items.push(inner);
      }
      inner.items.push(p);
    }
  }
  return groups;
}

/** A layer's shape as data: `56x56x64`. */
export function shapeText(shape: readonly number[]): string {
  return shape.join("x");
}
