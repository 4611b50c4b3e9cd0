/**
 * Label economy and compact stages. A run is a stretch of blocks one after another on
 * the path (each feeding only the next, inside the same frame). Blocks of a run that
 * carry the same shape print it once, centred over the run; the same name and detail
 * under them print once too. In a compact run (blocks of one spatial size, drawn as slabs
 * face to face as PlotNeuralNet draws a VGG stage) the run prints its spatial size once,
 * a channel count under each slab where it changes, and one name.
 */
import type { Bounds, Point } from "../geometry/types.js";
import type { RenderOptions } from "../options/figure.js";
import type { Theme } from "../themes/types.js";
import { footprint } from "./camera.js";
import { GAP } from "./direct/index.js";
import type { DrawnGraph, DrawnNode } from "./drawn.js";
import { formatShape, formatSpatial } from "./labels.js";
import { measuredLabel } from "./measured.js";
import { blockLabels, LABEL_GAP, stackHeight, type BlockLabels, type NodeGeometry, type Reserve } from "./node-geometry.js";
import { blockExtent, type Extent } from "./scale.js";
import type { PlacedLabel } from "./types.js";

export interface Run {
  members: DrawnNode[];
  compact: boolean;
  /** What each member prints itself. */
  own: Map<string, BlockLabels>;
  reserve: Reserve;
  /** Printed once for the run: above it (beside it when flowing down)… */
  above: PlacedLabel[];
  /** …and under it. */
  under: PlacedLabel[];
  /** Compact runs: a channel count per slab where it changes, with its line (0 nearest the slab). */
  channels: { member: number; label: PlacedLabel; line: number }[];
}

/** The blocks in a row on the path: each the only successor of the one before, in the same frame. */
function chains(drawn: DrawnGraph): DrawnNode[][] {
  let found = chainCache.get(drawn);
  if (!found) {
    found = findChains(drawn);
    chainCache.set(drawn, found);
  }
  return found;
}

/** A drawn graph is laid out many times for one `--width`; its chains are found once. */
const chainCache = new WeakMap<DrawnGraph, DrawnNode[][]>();

function findChains(drawn: DrawnGraph): DrawnNode[][] {
  const outs = new Map<string, string[]>();
  const ins = new Map<string, string[]>();
  for (const e of drawn.edges) {
    outs.set(e.from, [...(outs.get(e.from) ?? []), e.to]);
    ins.set(e.to, [...(ins.get(e.to) ?? []), e.from]);
  }
  const byId = new Map(drawn.nodes.map((n) => [n.id, n]));
  const next = (n: DrawnNode): DrawnNode | undefined => {
    const o = outs.get(n.id) ?? [];
    if (o.length !== 1) return undefined;
    const m = byId.get(o[0]!)!;
    return (ins.get(m.id) ?? []).length === 1 && m.frame === n.frame && m.kind === "block" && m.repeat === undefined ? m : undefined;
  };
  const hasPrevious = new Set<string>();
  for (const n of drawn.nodes) {
    if (n.kind !== "block") continue;
    const m = next(n);
    if (m && n.repeat === undefined) hasPrevious.add(m.id);
  }
  const out: DrawnNode[][] = [];
  for (const n of drawn.nodes) {
    if (n.kind !== "block" || hasPrevious.has(n.id)) continue;
    const chain = [n];
    for (let m = n.repeat === undefined ? next(n) : undefined; m; m = next(m)) chain.push(m);
    out.push(chain);
  }
  return out;
}

/** Splits a chain where `key` changes (or is undefined) and after `longest` blocks; runs of one block are left out. */
function split(chain: DrawnNode[], key: (n: DrawnNode) => string | undefined, longest: number): DrawnNode[][] {
  const runs: DrawnNode[][] = [];
  let current: DrawnNode[] = [];
  let currentKey: string | undefined;
  for (const n of chain) {
    const k = key(n);
    if (k !== undefined && k === currentKey && current.length < longest) current.push(n);
    else {
      if (current.length > 1) runs.push(current);
      current = [n];
      currentKey = k;
    }
  }
  if (current.length > 1) runs.push(current);
  return runs;
}

const texts = (lines: PlacedLabel[]): string => lines.map((l) => `${l.role}\u0000${l.text}`).join("\u0001");

/** The width of a stack of lines. */
const stackWidth = (lines: PlacedLabel[]): number => lines.reduce((w, l) => Math.max(w, l.width), 0);

/** How far along the flow a member's front face starts after the first's, slabs face to face. */
function slabOffsets(extents: Extent[], right: boolean): number[] {
  const out: number[] = [];
  let at = 0;
  for (const e of extents) {
    out.push(at);
    at += right ? e.x : e.y;
  }
  return out;
}

/**
 * Finds the runs of a drawn graph and decides what each member prints itself and what
 * the run prints once. `paramsOf` gives a node's parameters for its params label.
 */
export function planRuns(drawn: DrawnGraph, theme: Theme, options: RenderOptions, compact: boolean, paramsOf: (n: DrawnNode) => number): Run[] {
  const right = options.direction === "right";
  const spatial = (n: DrawnNode): string | undefined => (n.layer.shape.length === 3 ? formatSpatial(n.layer.shape, options.stackShapes) : undefined);
  const shapeKey = (n: DrawnNode): string => formatShape(n.layer.shape);
  const runs: Run[] = [];
  // A run stays on one row (its shared labels span it), so in rows none may be longer than a
  // row's share of the blocks: a chain of 25,000 equal convs is one run otherwise, and never wraps.
  const longest = options.rows > 1 ? Math.max(2, Math.ceil(drawn.nodes.length / options.rows)) : Infinity;
  for (const chain of chains(drawn)) {
    // Slabs face to face are layers of one kind at one size (a stage's convs); an input or a pool stands apart.
    const slabKey = (n: DrawnNode): string | undefined => {
      const size = spatial(n);
      return size === undefined || n.category === "input" ? undefined : `${n.category}\u0000${size}`;
    };
    for (const members of split(chain, compact ? slabKey : shapeKey, longest)) {
      const labels = members.map((n) => blockLabels(n, theme, options, paramsOf(n)));
      const own = new Map<string, BlockLabels>();
      const sameUnder = labels.every((l) => texts(l.under) === texts(labels[0]!.under));
      let above: PlacedLabel[] = [];
      let under: PlacedLabel[] = [];
      const channels: Run["channels"] = [];
      if (!compact) {
        above = labels[0]!.shape;
        if (sameUnder) under = labels[0]!.under;
        // Flowing down the shared shape sits in the stack beside the run, so it needs the names shared too.
        if (!right && !sameUnder) continue;
        members.forEach((n, i) => own.set(n.id, { shape: [], channels: labels[i]!.channels, under: sameUnder ? [] : labels[i]!.under }));
      } else {
        const shows = new Set(options.labels);
        if (shows.has("shape")) above = [measuredLabel(theme, "label-shape", "shape", spatial(members[0]!)!)];
        under = sharedNames(labels, theme, sameUnder);
        const extents = members.map((n) => blockExtent(n.layer.shape, options.direction, options.scale, options.blockSize));
        const offsets = slabOffsets(extents, right);
        // Every slab's count where it changes: channels are what tells the slabs apart.
        const ends: number[] = [];
        let previous: number | undefined;
        members.forEach((n, i) => {
          const c = n.layer.shape[2]!;
          if (c === previous) return;
          previous = c;
          const label = measuredLabel(theme, "label-channels", "channels", String(c));
          // Along the flow a label takes its width (right) or its height (down); stagger what would touch.
          const along = right ? label.width : label.ascent + label.descent;
          const centre = offsets[i]! + (right ? extents[i]!.x : extents[i]!.y) / 2;
          const start = centre - along / 2;
          let line = 0;
          // Two counts on one line keep a space's width apart, or the second goes on the next line.
          const space = label.ascent * 0.6;
          while ((ends[line] ?? -Infinity) + space > start) line++;
          ends[line] = start + along;
          channels.push({ member: i, label, line });
        });
        members.forEach((n) => own.set(n.id, { shape: [], channels: [], under: [] }));
      }
      const lines = channels.reduce((m, c) => Math.max(m, c.line + 1), 0);
      const channelRoom = channels.length === 0 ? 0 : right
        ? lines * lineHeight(channels) + 1
        : channels.reduce((w, c) => Math.max(w, c.label.width), 0) * lines + 3 * (lines - 1);
      const reserve: Reserve = right
        ? { above: stackHeight(above), below: channelRoom + stackHeight(under), left: 0, right: 0 }
        : { above: 0, below: 0, left: channelRoom, right: stackWidth([...under, ...above]) };
      runs.push({ members, compact, own, reserve, above, under, channels });
    }
  }
  return runs;
}

function lineHeight(channels: Run["channels"]): number {
  return channels.reduce((h, c) => Math.max(h, c.label.ascent + c.label.descent), 0);
}

/** One name for a compact run: the members' own when they agree, else first to last (`conv1–3`). */
function sharedNames(labels: BlockLabels[], theme: Theme, sameUnder: boolean): PlacedLabel[] {
  if (sameUnder) return labels[0]!.under;
  const names = labels.map((l) => l.under.find((u) => u.role === "label-name")?.text).filter((t): t is string => t !== undefined);
  if (names.length === 0) return [];
  const first = names[0]!;
  const last = names[names.length - 1]!;
  // `conv1–2` for conv1 … conv2: what the two share is said once.
  let common = 0;
  while (common < first.length && first[common] === last[common]) common++;
  while (common > 0 && /[0-9]/.test(first[common - 1]!)) common--;
  const text = first === last ? first : `${first}–${common > 0 && common < last.length ? last.slice(common) : last}`;
  return [measuredLabel(theme, "label-name", "name", text)];
}

/**
 * How much room a run's shared labels need beyond its first and last boxes along the flow:
 * the shape is centred over the blocks, the name under their front faces, and either may
 * be wider than the run.
 */
export function runReach(run: Run, members: NodeGeometry[], options: RenderOptions): { lead: number; trail: number } {
  if (options.direction === "down") {
    // Beside the run, centred on it: the stack's height against the run's length.
    const lines = [...run.above, ...run.under];
    let span = 0;
    members.forEach((g, i) => {
      span += i === 0 ? g.bounds.bottom - g.bounds.top : run.compact ? members[i - 1]!.extent.y : GAP + g.bounds.bottom - g.bounds.top;
    });
    const extra = Math.max(0, (stackHeight(lines) - span) / 2);
    return { lead: extra, trail: extra };
  }
  // Front-face origins along the flow, the first at 0.
  const origins: number[] = [];
  members.forEach((g, i) => {
    const before = members[i - 1];
    origins.push(i === 0 ? 0 : run.compact ? origins[i - 1]! + before!.extent.x : origins[i - 1]! + before!.bounds.right + GAP - g.bounds.left);
  });
  const first = members[0]!;
  const last = members[members.length - 1]!;
  const end = origins[origins.length - 1]!;
  const boxLeft = first.bounds.left;
  const boxRight = end + last.bounds.right;
  let lead = 0;
  let trail = 0;
  const need = (centre: number, width: number): void => {
    lead = Math.max(lead, boxLeft - (centre - width / 2));
    trail = Math.max(trail, centre + width / 2 - boxRight);
  };
  const over = (footprint(options.camera, first.extent).left + end + footprint(options.camera, last.extent).right) / 2;
  for (const l of run.above) need(over, l.width);
  for (const l of run.under) need((end + last.extent.x) / 2, l.width);
  return { lead, trail };
}

/** Where a laid-out member's block is: its front face's top-left corner and its extent. */
export interface PlacedBlock {
  origin: Point;
  extent: Extent;
}

/** The run's shared labels at their places, given where its members were laid out. */
export function placeRunLabels(run: Run, placed: PlacedBlock[], options: RenderOptions): PlacedLabel[] {
  const right = options.direction === "right";
  const blocks: Bounds[] = placed.map((p) => {
    const f = footprint(options.camera, p.extent);
    return { left: p.origin[0] + f.left, right: p.origin[0] + f.right, top: p.origin[1] + f.top, bottom: p.origin[1] + f.bottom };
  });
  const span: Bounds = {
    left: Math.min(...blocks.map((b) => b.left)),
    right: Math.max(...blocks.map((b) => b.right)),
    top: Math.min(...blocks.map((b) => b.top)),
    bottom: Math.max(...blocks.map((b) => b.bottom)),
  };
  const out: PlacedLabel[] = [];
  const first = placed[0]!;
  const last = placed[placed.length - 1]!;
  if (right) {
    let y = span.top - LABEL_GAP;
    for (const l of [...run.above].reverse()) {
      out.push({ ...l, anchor: "middle", at: [(span.left + span.right) / 2, y - l.descent] });
      y -= l.ascent + l.descent;
    }
    const front = (first.origin[0] + last.origin[0] + last.extent.x) / 2;
    const channelTop = span.bottom + LABEL_GAP;
    let below = channelTop;
    for (const c of run.channels) {
      const p = placed[c.member]!;
      const h = c.label.ascent + c.label.descent;
      const top = channelTop + c.line * h;
      out.push({ ...c.label, anchor: "middle", at: [p.origin[0] + p.extent.x / 2, top + c.label.ascent] });
      below = Math.max(below, top + h + 1);
    }
    for (const l of run.under) {
      out.push({ ...l, anchor: "middle", at: [front, below + l.ascent] });
      below += l.ascent + l.descent;
    }
  } else {
    const stack = [...run.under, ...run.above];
    let y = (span.top + span.bottom) / 2 - stackHeight(stack) / 2;
    for (const l of stack) {
      out.push({ ...l, anchor: "start", at: [span.right + 2 * LABEL_GAP, y + l.ascent] });
      y += l.ascent + l.descent;
    }
    // Each further line of counts stands left of the one before.
    const widths: number[] = [];
    for (const c of run.channels) widths[c.line] = Math.max(widths[c.line] ?? 0, c.label.width);
    for (const c of run.channels) {
      const x = span.left - LABEL_GAP - widths.slice(0, c.line).reduce((sum, w) => sum + w + 3, 0);
      const p = placed[c.member]!;
      const middle = p.origin[1] + p.extent.y / 2;
      out.push({ ...c.label, anchor: "end", at: [x, middle + (c.label.ascent - c.label.descent) / 2] });
    }
  }
  return out;
}
