import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { thumbnailPng } from "../../src/scene/thumbnails.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { root } from "../helpers/netfig.js";

function pixels(png: Uint8Array): { width: number; height: number; rgb: (x: number, y: number) => number[] } {
  const image = PNG.sync.read(Buffer.from(png));
  return { width: image.width, height: image.height, rgb: (x, y) => [...image.data.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 3)] };
}

/** Two 2x2 channels: channel 0 flat, channel 1 with a range, so channel 1 has the larger variance. */
const map: Tensor = { shape: [2, 2, 2], data: new Float32Array([1, 1, 1, 1, -2, 0, 0, 2]) };

describe("activation thumbnails", () => {
  it("show the channel with the largest variance, per-layer range, in grey", () => {
    const image = pixels(thumbnailPng(map, { colormap: "grey", grid: 1, range: "layer" }, [64, 64]));
    expect([image.width, image.height]).toEqual([2, 2]);
    expect(image.rgb(0, 0)).toEqual([0, 0, 0]); // -2, the layer's minimum
    expect(image.rgb(1, 1)).toEqual([255, 255, 255]); // 2, the layer's maximum
    expect(image.rgb(1, 0)).toEqual([128, 128, 128]); // 0, half way
  });

  it("centre the diverging map on zero: negative red, zero white, positive blue", () => {
    const image = pixels(thumbnailPng(map, { colormap: "diverging", channel: 1, grid: 1, range: "layer" }, [64, 64]));
    expect(image.rgb(0, 0)).toEqual([0xb2, 0x18, 0x2b]);
    expect(image.rgb(1, 0)).toEqual([255, 255, 255]);
    expect(image.rgb(1, 1)).toEqual([0x21, 0x66, 0xac]);
  });

  it("end viridis at its published colours", () => {
    const image = pixels(thumbnailPng(map, { colormap: "viridis", channel: 1, grid: 1, range: "layer" }, [64, 64]));
    expect(image.rgb(0, 0)).toEqual([0x44, 0x01, 0x54]);
    expect(image.rgb(1, 1)).toEqual([0xfd, 0xe7, 0x25]);
  });

  it("are downsampled to what the face can show, averaging pixels", () => {
    const big: Tensor = { shape: [1, 4, 4], data: new Float32Array([0, 0, 4, 4, 0, 0, 4, 4, 8, 8, 12, 12, 8, 8, 12, 12]) };
    const image = pixels(thumbnailPng(big, { colormap: "grey", grid: 1, range: { min: 0, max: 12 } }, [2, 2]));
    expect([image.width, image.height]).toEqual([2, 2]);
    expect([image.rgb(0, 0)[0], image.rgb(1, 0)[0], image.rgb(0, 1)[0], image.rgb(1, 1)[0]]).toEqual([0, 85, 170, 255]);
  });

  it("draw vectors as a strip of bars", () => {
    const vector: Tensor = { shape: [3], data: new Float32Array([0, 1, 2]) };
    const image = pixels(thumbnailPng(vector, { colormap: "grey", grid: 1, range: "layer" }, [10, 10]));
    expect([image.width, image.height]).toEqual([1, 3]);
  });
});

describe("netfig render --activations", () => {
  const render = (args: string[]) => spawnSync(process.execPath, [join(root, "bin/netfig.js"), "render", "lenet5", "--activations", "-o", "-", ...args], { cwd: root, encoding: "utf8" });

  it("puts a thumbnail on every drawn block, the same bytes every run", () => {
    const first = render([]);
    expect(first.status).toBe(0);
    const images = first.stdout.match(/<image /g) ?? [];
    expect(images.length).toBe(8); // input, c1, s2, c3, s4, f5, f6, output
    expect(render([]).stdout).toBe(first.stdout);
  });

  it("rejects an unknown colour map as a usage error", () => {
    const run = render(["--colormap", "jet"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--colormap: 'jet' is not one of grey, viridis, diverging");
  });
});
