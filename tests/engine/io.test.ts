import { readFileSync } from "node:fs";
import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { decodeImage, imageToTensor, loadImage, SAMPLE_IMAGE_URL } from "../../src/engine/io/image.js";
import { decodeNpy, encodeNpy } from "../../src/engine/io/npy.js";
import { SafetensorsFile } from "../../src/engine/io/safetensors.js";
import { SafetensorsWeights } from "../../src/engine/weights.js";
import { caseByName, expected, FIXTURES, fixtures, mismatch } from "./fixtures.js";

describe(".npy", () => {
  it("reads what numpy.save wrote", () => {
    const t = decodeNpy(readFileSync(new URL("expected.npy", FIXTURES)));
    expect(t.shape).toEqual([2, 3, 4]);
    expect(Array.from(t.data)).toEqual(Array.from({ length: 24 }, (_, i) => i / 8 - 1));
  });
  it("writes version 1.0 float32 C order with a 64-byte aligned header and reads it back", () => {
    const t = { shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 0, 1e-8, -7]) };
    const bytes = encodeNpy(t, [1, 2, 3]);
    const header = new TextDecoder().decode(bytes.subarray(10, 10 + (bytes[8]! | (bytes[9]! << 8))));
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(1, 2, 3\), \}\s*\n$/);
    expect((10 + header.length) % 64).toBe(0);
    const back = decodeNpy(bytes);
    expect(back.shape).toEqual([1, 2, 3]);
    expect(back.data).toEqual(t.data);
    expect(decodeNpy(encodeNpy({ shape: [3], data: Float32Array.from([1, 2, 3]) })).shape).toEqual([3]);
  });
  it("rejects other dtypes and garbage", () => {
    const bytes = encodeNpy({ shape: [1], data: Float32Array.from([1]) });
    bytes.set(new TextEncoder().encode("i4"), 22);
    expect(() => decodeNpy(bytes)).toThrow(/not supported/);
    expect(() => decodeNpy(new Uint8Array(20))).toThrow(/bad magic/);
  });
});

describe(".safetensors", () => {
  const file = new SafetensorsFile(readFileSync(new URL("dtypes.safetensors", FIXTURES)), "dtypes.safetensors");
  it("reads F32 exactly and F16/BF16 as PyTorch widens them", () => {
    expect(file.get("f32").shape).toEqual([2, 4]);
    expect(Array.from(file.get("f16").data)).toEqual(fixtures.dtypes.f16!.flat());
    expect(Array.from(file.get("bf16").data)).toEqual(fixtures.dtypes.bf16!.flat());
    expect(file.metadata.generator).toMatch(/generate_forward/);
  });
  it("loads weights by name with clear errors for missing or mis-shaped tensors", () => {
    const w = new SafetensorsWeights(file);
    expect(w.get("f32", [2, 4]).data.length).toBe(8);
    expect(() => w.get("f32", [4, 2])).toThrow("dtypes.safetensors: tensor 'f32' has shape [2, 4], the layer needs [4, 2]");
    expect(() => w.get("conv1.weight", [1])).toThrow(/no tensor 'conv1.weight'/);
  });
  it("rejects a truncated file", () => {
    expect(() => new SafetensorsFile(new Uint8Array([255, 255, 0, 0, 0, 0, 0, 0, 1]), "bad")).toThrow(/runs past the end/);
  });
});

describe("image input", () => {
  const png = readFileSync(SAMPLE_IMAGE_URL);
  it("the bundled sample image decodes (256x256)", () => {
    const img = decodeImage(png);
    expect([img.width, img.height]).toEqual([256, 256]);
  });
  it("matches torchvision: ToTensor, Resize((40, 48), antialias=False), Normalize(ImageNet)", () => {
    const c = caseByName("image_sample");
    expect(mismatch(loadImage(png, { size: [40, 48] }), expected(c))).toBeLessThanOrEqual(1);
  });
  it("reads JPEG too (round trip through jpeg-js at quality 100 stays close)", () => {
    const img = decodeImage(png);
    const jpg = jpeg.encode({ width: img.width, height: img.height, data: Buffer.from(img.data) }, 100).data;
    const a = loadImage(jpg, { size: [32, 32] }), b = imageToTensor(img, { size: [32, 32] });
    const worst = Math.max(...a.data.map((v, i) => Math.abs(v - b.data[i]!)));
    expect(worst).toBeLessThan(0.15);
  });
  it("grey input and custom normalisation", () => {
    const t = loadImage(png, { size: [8, 8], channels: 1, mean: [0], std: [1] });
    expect(t.shape).toEqual([1, 8, 8]);
    for (const v of t.data) expect(v >= 0 && v <= 1).toBe(true);
  });
  it("names the file it cannot decode", () => {
    expect(() => decodeImage(new Uint8Array([1, 2, 3]), "cat.gif")).toThrow("cat.gif: not a PNG or JPEG file");
  });
});
