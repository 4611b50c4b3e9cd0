import { createRequire } from "node:module";
import type jpegJs from "jpeg-js";
import type * as pngjs from "pngjs";
import type { Tensor } from "../tensor.js";
import { resizeBilinear } from "../kernels/shape.js";

/** ImageNet statistics, torchvision's `Normalize` for every pretrained classifier. */
export const IMAGENET_MEAN: readonly number[] = [0.485, 0.456, 0.406];
export const IMAGENET_STD: readonly number[] = [0.229, 0.224, 0.225];

export interface ImageOptions {
  /** Output `[height, width]`. */
  size: [number, number];
  /** 3 for RGB (default), 1 for grey (ITU-R 601 luma, torchvision's `Grayscale`). */
  channels?: 1 | 3;
  /** Per channel, subtracted after scaling to [0, 1]; ImageNet's by default (the mean of it for grey). */
  mean?: readonly number[];
  std?: readonly number[];
}

/** Decoded pixels: RGBA bytes, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

// The decoders load with the first image, not with every command that might read one.
const require = createRequire(import.meta.url);

/** Decodes a PNG (any bit depth, palette, alpha: pngjs normalises to 8-bit RGBA) or a baseline/progressive JPEG. */
export function decodeImage(bytes: Uint8Array, source = "image"): RgbaImage {
  const isPng = bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47;
  const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8;
  try {
    if (isPng) {
      const png = (require("pngjs") as typeof pngjs).PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
    }
    if (isJpeg) {
      const img = (require("jpeg-js") as typeof jpegJs).decode(bytes, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
      return { width: img.width, height: img.height, data: img.data };
    }
  } catch (e) {
    throw new Error(`${source}: cannot decode (${(e as Error).message})`);
  }
  throw new Error(`${source}: not a PNG or JPEG file`);
}

/**
 * An image as a network input `[C, H, W]`: pixels scaled to [0, 1] (transparent
 * pixels over white), resized with bilinear interpolation, align_corners=False and
 * no antialiasing, then normalised per channel. This is exactly torchvision's
 * `Normalize(mean, std)(Resize((H, W), antialias=False)(ToTensor()(img)))` on a
 * tensor. (Resize on a PIL image differs: PIL antialiases when shrinking.)
 */
export function imageToTensor(img: RgbaImage, o: ImageOptions): Tensor {
  const channels = o.channels ?? 3;
  const { width, height, data } = img;
  const rgb = new Float32Array(3 * width * height);
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const a = data[i * 4 + 3]! / 255;
    for (let c = 0; c < 3; c++) rgb[c * n + i] = (data[i * 4 + c]! / 255) * a + (1 - a);
  }
  let x: Tensor = { shape: [3, height, width], data: rgb };
  if (channels === 1) {
    const grey = new Float32Array(n);
    for (let i = 0; i < n; i++) grey[i] = 0.299 * rgb[i]! + 0.587 * rgb[n + i]! + 0.114 * rgb[2 * n + i]!;
    x = { shape: [1, height, width], data: grey };
  }
  const resized = resizeBilinear(x, o.size);
  const avg = (v: readonly number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mean = o.mean ?? (channels === 3 ? IMAGENET_MEAN : [avg(IMAGENET_MEAN)]);
  const std = o.std ?? (channels === 3 ? IMAGENET_STD : [avg(IMAGENET_STD)]);
  if (mean.length !== channels || std.length !== channels) throw new RangeError(`image: mean and std need ${channels} values each`);
  const m = o.size[0] * o.size[1];
  for (let c = 0; c < channels; c++) {
    for (let i = c * m; i < (c + 1) * m; i++) resized.data[i] = (resized.data[i]! - mean[c]!) / std[c]!;
  }
  return resized;
}

/** Decode and convert in one step; see `imageToTensor`. */
export function loadImage(bytes: Uint8Array, o: ImageOptions, source = "image"): Tensor {
  return imageToTensor(decodeImage(bytes, source), o);
}

/**
 * Path of the bundled sample image (`assets/sample.png`, MIT, rendered by
 * `assets/make-sample.mjs`), used by `--activations` without a file. Resolved from
 * this module so it works from `src/` and from `dist/` alike.
 */
export const SAMPLE_IMAGE_URL = new URL("../../../assets/sample.png", import.meta.url);
