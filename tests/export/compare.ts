/**
 * A structural comparison of two renderings of one figure by different programs: both made
 * grey and box-blurred over 7×7 pixels (5 pt at 100 dpi), then the mean absolute difference
 * (0–255) over 24-pixel tiles (17 pt), worst tile reported. The blur forgives what differs
 * between rasterisers and fonts by design — antialiasing, a line half a pixel off, a glyph
 * of LaTeX's Computer Modern against CMU Serif — and keeps what a block or a label is: a
 * block left out or moved by 6 pt changes a tile by 30 and more (tests/export/editable.test.ts
 * measures it on each program's output).
 */

import type { PNG } from "pngjs";

function grey(img: PNG, w: number, h: number): Float32Array {
  const g = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * img.width + x) * 4;
      const a = img.data[i + 3]! / 255;
      g[y * w + x] = ((img.data[i]! + img.data[i + 1]! + img.data[i + 2]!) / 3) * a + 255 * (1 - a);
    }
  }
  return g;
}

/** A box blur of radius r, rows then columns, each a running sum; edges average what exists. */
function blur(g: Float32Array, w: number, h: number, r: number): Float32Array {
  const rows = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    let sum = 0;
    let n = 0;
    for (let x = -r; x < w + r; x++) {
      if (x + r < w) (sum += g[y * w + x + r]!), n++;
      if (x - r - 1 >= 0) (sum -= g[y * w + x - r - 1]!), n--;
      if (x >= 0 && x < w) rows[y * w + x] = sum / n;
    }
  }
  for (let x = 0; x < w; x++) {
    let sum = 0;
    let n = 0;
    for (let y = -r; y < h + r; y++) {
      if (y + r < h) (sum += rows[(y + r) * w + x]!), n++;
      if (y - r - 1 >= 0) (sum -= rows[(y - r - 1) * w + x]!), n--;
      if (y >= 0 && y < h) out[y * w + x] = sum / n;
    }
  }
  return out;
}

export interface Structural {
  mean: number;
  worstTile: number;
}

/** How far `a` strays from `b` over their common area (rasterisers round the page size differently by a pixel). */
export function structuralDifference(a: PNG, b: PNG, radius = 3, tile = 24): Structural {
  const w = Math.min(a.width, b.width);
  const h = Math.min(a.height, b.height);
  const A = blur(grey(a, w, h), w, h, radius);
  const B = blur(grey(b, w, h), w, h, radius);
  let total = 0;
  let worstTile = 0;
  for (let ty = 0; ty < h; ty += tile) {
    for (let tx = 0; tx < w; tx += tile) {
      let sum = 0;
      let n = 0;
      for (let y = ty; y < Math.min(h, ty + tile); y++) {
        for (let x = tx; x < Math.min(w, tx + tile); x++) {
          sum += Math.abs(A[y * w + x]! - B[y * w + x]!);
          n++;
        }
      }
      total += sum;
      worstTile = Math.max(worstTile, sum / n);
    }
  }
  return { mean: total / (w * h), worstTile };
}
