import { expectRank, type Tensor } from "../tensor.js";

/**
 * The centre `[h, w]` of every channel of a `[C, H, W]` tensor. An odd margin leaves the
 * extra row or column at the bottom and right, as U-Net implementations slice it
 * (`x[..., d // 2 : d // 2 + h]`).
 */
export function centerCrop(x: Tensor, size: [number, number]): Tensor {
  expectRank(x, 3, "crop input");
  const [C, H, W] = x.shape as [number, number, number];
  const [h, w] = size;
  if (h > H || w > W) throw new RangeError(`crop: ${h}x${w} is larger than the ${H}x${W} input`);
  const top = Math.floor((H - h) / 2);
  const left = Math.floor((W - w) / 2);
  const out = new Float32Array(C * h * w);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < h; y++) {
      const src = (c * H + top + y) * W + left;
      out.set(x.data.subarray(src, src + w), (c * h + y) * w);
    }
  }
  return { shape: [C, h, w], data: out };
}

/** Where `centerCrop` starts along H and W: the offsets ONNX's Slice needs. */
export function centerCropOffsets(input: [number, number], size: [number, number]): [number, number] {
  return [Math.floor((input[0] - size[0]) / 2), Math.floor((input[1] - size[1]) / 2)];
}
