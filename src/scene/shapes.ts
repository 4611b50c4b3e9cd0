import type { Rect } from "../layout/types.js";
import type { PathCommand, Point } from "../geometry/types.js";
import type { Primitive } from "./types.js";

/** A rectangle with rounded corners, as path commands (frames around blocks). */
export function frameOutline(box: Rect, radius: number): PathCommand[] {
  const { x, y, width: w, height: h } = box;
  const r = Math.min(radius, w / 2, h / 2);
  const k = r * (1 - 0.5523);
  return [
    { op: "M", to: [x + r, y] },
    { op: "L", to: [x + w - r, y] },
    { op: "C", c1: [x + w - k, y], c2: [x + w, y + k], to: [x + w, y + r] },
    { op: "L", to: [x + w, y + h - r] },
    { op: "C", c1: [x + w, y + h - k], c2: [x + w - k, y + h], to: [x + w - r, y + h] },
    { op: "L", to: [x + r, y + h] },
    { op: "C", c1: [x + k, y + h], c2: [x, y + h - k], to: [x, y + h - r] },
    { op: "L", to: [x, y + r] },
    { op: "C", c1: [x, y + k], c2: [x + k, y], to: [x + r, y] },
    { op: "Z" },
  ];
}

function move(p: Point, dx: number, dy: number): Point {
  return [p[0] + dx, p[1] + dy];
}

function moveCommand(c: PathCommand, dx: number, dy: number): PathCommand {
  switch (c.op) {
    case "M":
    case "L":
      return { op: c.op, to: move(c.to, dx, dy) };
    case "C":
      return { op: "C", c1: move(c.c1, dx, dy), c2: move(c.c2, dx, dy), to: move(c.to, dx, dy) };
    case "Z":
      return c;
  }
}

/** The same primitive shifted on the page. */
export function translate(p: Primitive, dx: number, dy: number): Primitive {
  switch (p.type) {
    case "polygon":
      return { ...p, points: p.points.map((q) => move(q, dx, dy)) };
    case "path":
      return { ...p, commands: p.commands.map((c) => moveCommand(c, dx, dy)) };
    case "circle":
      return { ...p, center: move(p.center, dx, dy) };
    case "text":
      return { ...p, at: move(p.at, dx, dy) };
    case "image":
      return { ...p, corners: [move(p.corners[0], dx, dy), move(p.corners[1], dx, dy), move(p.corners[2], dx, dy)] };
  }
}
