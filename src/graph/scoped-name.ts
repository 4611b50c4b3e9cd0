/**
 * The last part of a scoped id, back to the last named part when the last are indices:
 * `layer1.0.conv1` → `conv1`, `downsample.0` → `downsample.0`, `layer2.1` → `layer2.1`
 * (PyTorch's name for the second block of `layer2`), and `conv.0.0` for a conv nested in
 * Sequentials, as ONNX imports have.
 */
export function lastNamedPart(id: string): string {
  const parts = id.split(".");
  let from = parts.length - 1;
  while (from > 0 && /^\d+$/.test(parts[from]!)) from--;
  return parts.slice(from).join(".");
}
