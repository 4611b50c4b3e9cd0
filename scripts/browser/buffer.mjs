// The little of Node's Buffer the drawing path uses in the browser build: decoding the
// engine's WebAssembly from base64 (an arithmetic figure runs its network), as Uint8Arrays.
export const Buffer = {
  from(value, encoding) {
    if (typeof value === "string") {
      if (encoding !== "base64") throw new Error(`netfig (browser build): Buffer.from with ${encoding ?? "utf8"} is not available`);
      const binary = atob(value);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return bytes;
    }
    if (value instanceof ArrayBuffer) return new Uint8Array(value, encoding ?? 0);
    return Uint8Array.from(value);
  },
  alloc: (size) => new Uint8Array(size),
  isBuffer: () => false,
};
