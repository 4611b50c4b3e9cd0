import type { Tensor } from "../tensor.js";
import { numel, tensor } from "../tensor.js";
import { excerpt } from "../../lang/diagnostics.js";
import { invalidFile } from "./invalid.js";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/**
 * A `.npy` file (format 1.0) holding `t` as float32, little-endian, C order, with the
 * given shape (by default the tensor's own; `netfig run` prepends PyTorch's batch
 * dimension, `[1, C, H, W]`). `numpy.load` and `torch.from_numpy` read it as is.
 */
export function encodeNpy(t: Tensor, shape: readonly number[] = t.shape): Uint8Array {
  if (numel(shape) !== t.data.length) throw new RangeError(`npy: shape [${shape.join(", ")}] does not hold ${t.data.length} values`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(", ");
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic, version, 2-byte length, header and newline padded to a multiple of 64 bytes.
  const unpadded = 10 + header.length + 1;
  header += " ".repeat((64 - (unpadded % 64)) % 64) + "\n";
  const out = new Uint8Array(10 + header.length + t.data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i]!, true);
  return out;
}

/** The most values a `.npy` input may hold (a float32 tensor of 8 GiB is past any figure's need). */
const MAX_NPY_VALUES = 2 ** 31 - 1;

/**
 * Reads a `.npy` array of float32 or float64 (either byte order, C order) into a
 * float32 tensor; anything else (other dtypes, Fortran order, a bad or truncated header or
 * body, a shape that is not whole numbers) is an input error naming `source` and the reason.
 */
export function decodeNpy(bytes: Uint8Array, source = ".npy file"): Tensor {
  const bad = (message: string, hint?: string) => invalidFile(source, message, hint);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad("not a .npy file (bad magic)", "save it with numpy.save");
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw bad(`npy format version ${major} is not one netfig reads (1, 2 or 3)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = major === 1 ? 10 : 12;
  if (bytes.length < start) throw bad("file is truncated in its header");
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (start + headerLen > bytes.length) throw bad(`header of ${headerLen} bytes runs past the end of the file`);
  const header = new TextDecoder("latin1").decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw bad("unreadable header", "save it with numpy.save");
  if (fortran === "True") throw bad("Fortran-order arrays are not supported", "save with numpy.ascontiguousarray");
  const dims = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  const shape = dims.map((d) => (/^\d+$/.test(d) ? Number(d) : NaN));
  const wrong = dims.find((_, i) => !Number.isSafeInteger(shape[i]));
  if (wrong !== undefined) throw bad(`shape has a size '${excerpt(wrong)}'; sizes are whole numbers ≥ 0`);
  const n = numel(shape);
  if (n > MAX_NPY_VALUES) throw bad(`holds ${n} values, more than the ${MAX_NPY_VALUES} netfig reads`);
  const dataStart = start + headerLen;
  const little = descr[0] === "<" || descr[0] === "|" || descr[0] === "=";
  const kind = descr.slice(1);
  const size = kind === "f4" ? 4 : kind === "f8" ? 8 : 0;
  if (size === 0) throw bad(`dtype ${excerpt(descr)} is not supported (float32 or float64 only)`, "convert with array.astype(numpy.float32)");
  if (bytes.length < dataStart + n * size) throw bad(`file is truncated (${n} values of ${size} bytes expected)`);
  const data = new Float32Array(n);
  const body = new DataView(bytes.buffer, bytes.byteOffset + dataStart, n * size);
  for (let i = 0; i < n; i++) data[i] = size === 4 ? body.getFloat32(i * 4, little) : body.getFloat64(i * 8, little);
  return tensor(shape, data);
}
