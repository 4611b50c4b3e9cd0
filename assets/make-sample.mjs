#!/usr/bin/env node
// Renders assets/sample.png, the image `--activations` uses when no file is given:
// a synthetic scene with edges at many orientations, flat regions, gradients, a
// periodic texture and saturated colours, so that early conv filters have something to
// respond to. Pure arithmetic, no randomness: the same bytes on every machine.
// Licence: part of netfig, MIT (see assets/README.md).
//
//   node assets/make-sample.mjs
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";

const SIZE = 256;
const SS = 4; // supersampling per axis: anti-aliased edges, like a photograph's

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** Colour of the scene at (x, y) in [0, 1]^2, y down. */
function scene(x, y) {
  // Sky: vertical gradient.
  let c = mix([70, 130, 210], [200, 225, 245], y / 0.62);
  // Sun with a soft halo.
  const ds = Math.hypot(x - 0.78, y - 0.18);
  if (ds < 0.09) c = [255, 214, 90];
  else if (ds < 0.14) c = mix([255, 214, 90], c, (ds - 0.09) / 0.05);
  // Hills: two sine-shaped horizons.
  if (y > 0.5 + 0.05 * Math.sin(x * 9.0)) c = mix([60, 140, 60], [30, 90, 40], (y - 0.45) / 0.3);
  // Ground: a checkerboard in perspective below the horizon.
  if (y > 0.62) {
    const depth = 0.08 / (y - 0.56);
    const u = (x - 0.5) * depth * 12, v = depth * 12;
    const check = (Math.floor(u) + Math.floor(v)) & 1;
    c = check ? [225, 225, 215] : [90, 80, 70];
  }
  // House: wall, roof, door and a window with bars.
  if (x > 0.12 && x < 0.42 && y > 0.42 && y < 0.72) c = [200, 70, 50];
  if (y > 0.26 && y <= 0.42 && Math.abs(x - 0.27) < (y - 0.26) * 1.05) c = [110, 50, 40];
  if (x > 0.24 && x < 0.31 && y > 0.56 && y < 0.72) c = [70, 45, 30];
  if (x > 0.15 && x < 0.22 && y > 0.47 && y < 0.55) {
    c = [170, 210, 240];
    if (Math.abs(x - 0.185) < 0.004 || Math.abs(y - 0.51) < 0.004) c = [240, 240, 240];
  }
  // A ball with diagonal stripes.
  const db = Math.hypot(x - 0.66, y - 0.74);
  if (db < 0.1) c = Math.floor((x + y) * 40) & 1 ? [30, 60, 200] : [250, 250, 250];
  // A tilted square outline (edges at 45 degrees).
  const r = Math.abs(x - 0.6) + Math.abs(y - 0.36);
  if (r > 0.07 && r < 0.09) c = [120, 30, 140];
  return c;
}

const png = new PNG({ width: SIZE, height: SIZE, colorType: 2 });
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    let acc = [0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const c = scene((px + (sx + 0.5) / SS) / SIZE, (py + (sy + 0.5) / SS) / SIZE);
        acc = acc.map((v, i) => v + c[i]);
      }
    }
    const o = (py * SIZE + px) * 4;
    for (let i = 0; i < 3; i++) png.data[o + i] = Math.round(acc[i] / (SS * SS));
    png.data[o + 3] = 255;
  }
}
const out = join(dirname(fileURLToPath(import.meta.url)), "sample.png");
writeFileSync(out, PNG.sync.write(png, { colorType: 2 }));
process.stdout.write(`wrote ${out}\n`);
