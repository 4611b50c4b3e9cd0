/**
 * Primitives of a recurrent network's folded-and-unrolled figure: links under nodes,
 * each node a circle with its symbol inside, the self-loop of a recurrent layer as a
 * curve leaving and re-entering the node on its right.
 */

import { SEQUENCE_RADIUS, type SequenceFigure, type SequenceNode } from "../layout/sequence.js";
import { fontOf, type Theme } from "../themes/index.js";
import { measureText } from "../text/measure.js";
import type { PathCommand, Point } from "../geometry/types.js";
import type { Primitive } from "./types.js";
import { labelText } from "./label.js";

function fillOf(node: SequenceNode, theme: Theme): string {
  return theme.categories[node.role === "input" ? "input" : node.role === "recurrent" ? "recurrent" : "dense"].fill;
}

const onRim = (c: Point, r: number, angle: number): Point => [c[0] + r * Math.cos(angle), c[1] + r * Math.sin(angle)];

export function drawSequence(figure: SequenceFigure, theme: Theme): Primitive[] {
  const r = figure.radius;
  const byId = new Map(figure.nodes.map((n) => [n.id, n]));
  const stroke = { color: theme.edge.color, width: theme.edge.width, join: "round" as const };
  const links: Primitive[] = [];
  for (const l of figure.links) {
    const a = byId.get(l.from)!.center;
    const b = byId.get(l.to)!.center;
    let commands: PathCommand[];
    if (l.loop) {
      // Out at the upper right, round through a point 2.2 radii to the right, back in at the
      // lower right; a leftward loop the mirror image.
      const side = l.leftward ? -1 : 1;
      const out = onRim(a, r, side > 0 ? -Math.PI / 5 : Math.PI + Math.PI / 5);
      const back = onRim(a, r, side > 0 ? Math.PI / 5 : Math.PI - Math.PI / 5);
      commands = [
        { op: "M", to: out },
        { op: "C", c1: [a[0] + side * r * 2.6, a[1] - r * 1.6], c2: [a[0] + side * r * 2.6, a[1] + r * 1.6], to: back },
      ];
    } else if (l.towardEllipsis === "to") {
      // From the node's rim on the ⋯'s side to the ⋯.
      commands = [{ op: "M", to: [a[0] + Math.sign(l.end![0] - a[0]) * r, a[1]] }, { op: "L", to: l.end! }];
    } else if (l.towardEllipsis === "from") {
      commands = [{ op: "M", to: l.end! }, { op: "L", to: [b[0] + Math.sign(l.end![0] - b[0]) * r, b[1]] }];
    } else {
      const d = Math.hypot(b[0] - a[0], b[1] - a[1]);
      const u: Point = [(b[0] - a[0]) / d, (b[1] - a[1]) / d];
      commands = [{ op: "M", to: [a[0] + u[0] * r, a[1] + u[1] * r] }, { op: "L", to: [b[0] - u[0] * r, b[1] - u[1] * r] }];
    }
    links.push({
      type: "path",
      role: "edge",
      owner: `${l.from}->${l.to}`,
      // Ends at the ⋯ have no node to touch, so only node-to-node links are checked.
      ...(l.towardEllipsis ? {} : { link: { from: l.from, to: l.to } }),
      commands,
      paint: { stroke },
      arrow: "end",
    });
  }
  if (figure.unfold) links.push({ type: "path", role: "edge", owner: "unfold", commands: [{ op: "M", to: figure.unfold[0] }, { op: "L", to: figure.unfold[1] }], paint: { stroke: { ...stroke, width: stroke.width * 1.6 } }, arrow: "end" });

  const shapes: Primitive[] = [];
  const symbolFont = { ...fontOf(theme, theme.text.name), style: "italic" as const };
  for (const n of figure.nodes) {
    shapes.push({ type: "circle", role: "neuron", owner: n.id, center: n.center, radius: r, paint: { fill: fillOf(n, theme), stroke: { color: theme.outline.color, width: theme.outline.width * 1.3 } } });
    const m = measureText(n.symbol, symbolFont);
    shapes.push({ type: "text", role: "label-symbol", owner: n.id, text: n.symbol, at: [n.center[0], n.center[1] + (m.ascent - m.descent) / 2], anchor: "middle", font: symbolFont, color: theme.text.name.color, width: m.width });
  }
  // The ⋯ grows with the circles (layout/sequence.ts sizes them by their symbols).
  const dots = r / SEQUENCE_RADIUS;
  for (const e of figure.ellipses) {
    for (const dx of [-5, 0, 5]) shapes.push({ type: "circle", role: "ellipsis", center: [e[0] + dx * dots, e[1]], radius: 1.3 * dots, paint: { fill: theme.outline.color } });
  }
  for (const l of figure.labels) shapes.push(labelText(l, theme, l.owner));
  return [...links, ...shapes];
}
