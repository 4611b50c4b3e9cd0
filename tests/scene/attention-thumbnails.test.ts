import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { attentionPng } from "../../src/scene/thumbnails.js";
import type { Tensor } from "../../src/engine/tensor.js";
import { root } from "../helpers/netfig.js";

/**
 * With --activations an attention layer's block shows its attention weights, the mean of its
 * heads or one head (`--head N`), queries down and keys across, as a conv's block shows its
 * feature map.
 */
function pixels(png: Uint8Array): { width: number; height: number; grey: (x: number, y: number) => number } {
  const image = PNG.sync.read(Buffer.from(png));
  return { width: image.width, height: image.height, grey: (x, y) => image.data[(y * image.width + x) * 4]! };
}

/** Two heads over 2 queries and 3 keys: head 0 attends to the first key, head 1 to the last. */
const weights: Tensor = { shape: [2, 2, 3], data: new Float32Array([1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 1]) };

describe("attention thumbnails", () => {
  it("show the mean of the heads, queries down and keys across", () => {
    const image = pixels(attentionPng(weights, { colormap: "grey", grid: 1, range: "layer" }, [64, 64]));
    expect([image.width, image.height]).toEqual([3, 2]);
    // Each query puts half its weight on the first key and half on the last.
    expect([image.grey(0, 0), image.grey(1, 0), image.grey(2, 0)]).toEqual([255, 0, 255]);
  });

  it("show one head when asked, the last when asked for one past it", () => {
    const first = pixels(attentionPng(weights, { colormap: "grey", grid: 1, range: "layer", head: 0 }, [64, 64]));
    expect([first.grey(0, 1), first.grey(2, 1)]).toEqual([255, 0]);
    const past = pixels(attentionPng(weights, { colormap: "grey", grid: 1, range: "layer", head: 7 }, [64, 64]));
    expect([past.grey(0, 1), past.grey(2, 1)]).toEqual([0, 255]);
  });

  it("colour weights from 0 to 1 when the range is the whole network's", () => {
    const image = pixels(attentionPng(weights, { colormap: "grey", grid: 1, range: { min: -40, max: 90 } }, [64, 64]));
    expect([image.grey(0, 0), image.grey(1, 0)]).toEqual([128, 0]);
  });
});

describe("netfig render --activations on a ViT", () => {
  const dir = "tests/fixtures/torch/transformer";
  const render = (args: string[]) =>
    spawnSync(process.execPath, [join(root, "bin/netfig.js"), "render", `${dir}/vit.netfig`, "--activations", `${dir}/vit/image.npy`, "--weights", `${dir}/vit/weights.safetensors`, "-o", "-", ...args], { cwd: root, encoding: "utf8" });
  /** The PNG on the block of the first encoder layer's attention. */
  const attentionImage = (svg: string) => {
    const href = /id="thumbnail-encoder\.layers\.encoder_layer_0\.self_attention"[^>]*href="data:image\/png;base64,([^"]+)"/.exec(svg)![1]!;
    return pixels(new Uint8Array(Buffer.from(href, "base64")));
  };

  it("draws each attention block's 17×17 weights (the class token and 16 patches), another map for another head", () => {
    const mean = render([]);
    expect(mean.status, mean.stderr).toBe(0);
    const image = attentionImage(mean.stdout);
    expect([image.width, image.height]).toEqual([17, 17]);
    const head = render(["--head", "2"]);
    expect(head.status, head.stderr).toBe(0);
    expect(attentionImage(head.stdout)).not.toEqual(image);
  });

  it("refuses a head that is not a whole number as a usage error", () => {
    const run = render(["--head", "-1"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--head: expected a whole number ≥ 0, got '-1'");
  });
});
