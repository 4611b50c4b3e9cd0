import type { Tensor } from "../tensor.js";
import { numel, sharedFloat32 } from "../tensor.js";
import { excerpt } from "../../lang/diagnostics.js";
import { invalidFile } from "./invalid.js";

export interface SafetensorsEntry {
  dtype: string;
  shape: number[];
  /** Byte range within the data section. */
  offsets: [number, number];
}

const BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8 };

/** IEEE half → float (exact: every half is a float). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * A `.safetensors` file (Hugging Face's format: 8-byte little-endian header length,
 * JSON header, raw little-endian data). Tensors are converted to float32 on `get`;
 * F32, F64, F16 and BF16 are read, and other dtypes (such as the I64
 * `num_batches_tracked` of a PyTorch state dict) are listed but refuse `get`.
 */
export class SafetensorsFile {
  readonly entries = new Map<string, SafetensorsEntry>();
  readonly metadata: Record<string, string>;
  private readonly data: DataView;

  constructor(bytes: Uint8Array, readonly source = "safetensors file") {
    const bad = (message: string) => invalidFile(source, message, "write it with safetensors.torch.save_file");
    if (bytes.length < 8) throw bad("too short to be a safetensors file");
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLen = Number(dv.getBigUint64(0, true));
    if (8 + headerLen > bytes.length) throw bad(`header length ${headerLen} runs past the end of the file`);
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLen)));
    } catch (e) {
      throw bad(`header is not JSON (${excerpt((e as Error).message, 80)})`);
    }
    if (typeof header !== "object" || header === null || Array.isArray(header)) throw bad("header is not a JSON object");
    const fields = header as Record<string, unknown>;
    const metadata = fields["__metadata__"];
    this.metadata = typeof metadata === "object" && metadata !== null ? (metadata as Record<string, string>) : {};
    this.data = new DataView(bytes.buffer, bytes.byteOffset + 8 + headerLen, bytes.length - 8 - headerLen);
    for (const [name, v] of Object.entries(fields)) {
      if (name === "__metadata__") continue;
      const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
      const shape = e?.shape;
      const offsets = e?.data_offsets;
      if (typeof e?.dtype !== "string" || !Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0) || !Array.isArray(offsets) || offsets.length !== 2) {
        throw bad(`tensor '${excerpt(name)}' has no valid dtype, shape and data_offsets`);
      }
      const [b, end] = offsets as [number, number];
      if (!(Number.isSafeInteger(b) && Number.isSafeInteger(end) && b >= 0 && end >= b && end <= this.data.byteLength)) throw bad(`tensor '${excerpt(name)}' has data offsets outside the file`);
      this.entries.set(name, { dtype: e.dtype, shape: shape as number[], offsets: [b, end] });
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** The named tensor as float32; throws if it is missing or of an unsupported dtype. */
  get(name: string): Tensor {
    const e = this.entries.get(name);
    if (!e) throw invalidFile(this.source, `no tensor named '${name}'`);
    const size = BYTES[e.dtype];
    if (size === undefined) throw invalidFile(this.source, `tensor '${name}' is ${excerpt(e.dtype)}; only F32, F64, F16 and BF16 can be read`);
    const n = numel(e.shape);
    const [b, end] = e.offsets;
    if (end - b !== n * size) throw invalidFile(this.source, `tensor '${name}' of shape [${e.shape.join(", ")}] has ${end - b} bytes, expected ${n * size}`);
    // Shared memory: weights are read in place by the worker pool.
    const out = sharedFloat32(n);
    const d = this.data;
    switch (e.dtype) {
      case "F32":
        for (let i = 0; i < n; i++) out[i] = d.getFloat32(b + i * 4, true);
        break;
      case "F64":
        for (let i = 0; i < n; i++) out[i] = d.getFloat64(b + i * 8, true);
        break;
      case "F16":
        for (let i = 0; i < n; i++) out[i] = halfToFloat(d.getUint16(b + i * 2, true));
        break;
      case "BF16": {
        // bfloat16 is the top half of a float32: widen the bits, reinterpret.
        const bits = new Uint32Array(n);
        for (let i = 0; i < n; i++) bits[i] = d.getUint16(b + i * 2, true) << 16;
        out.set(new Float32Array(bits.buffer));
        break;
      }
    }
    return { shape: [...e.shape], data: out };
  }
}
