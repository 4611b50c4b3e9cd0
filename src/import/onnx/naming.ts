/**
 * Layer ids from ONNX node names. PyTorch names a node by its module scope and op,
 * `/layer1/layer1.0/conv1/Conv`; the module path `layer1.0.conv1` is what a reader of the
 * model's code knows it by. A scope part that starts with the previous one (`layer1.0`
 * inside `layer1`) extends it; any other part is appended.
 */
export function modulePath(name: string): { path: string; op: string } {
  if (!name.startsWith("/")) return { path: "", op: name };
  const parts = name.split("/").filter((p) => p !== "");
  const op = parts.pop() ?? "";
  let path = "";
  let previous = "";
  for (const part of parts) {
    // `layer1` then `layer1.0`, `downsample` then `downsample.0`: a Sequential's child repeats its name.
    if (previous !== "" && part.startsWith(`${previous}.`)) path += part.slice(previous.length);
    else path = path === "" ? part : `${path}.${part}`;
    previous = part;
  }
  return { path, op };
}

/** Hands out unique ids: the module path when free, else path.op, else a numbered variant. */
export class LayerNamer {
  private readonly used = new Set<string>();
  /** The next number to try per base name, so that a model whose nodes all share one name is named in linear time. */
  private readonly nextNumber = new Map<string, number>();

  constructor(reserved: Iterable<string> = []) {
    for (const id of reserved) this.used.add(id);
  }

  name(nodeName: string, opType: string): string {
    const { path, op } = modulePath(nodeName);
    // Scoped names end in the op (`Conv_1`), read in lower case; other exporters' names stay as written.
    const opPart = nodeName.startsWith("/") ? op.toLowerCase() : op || opType.toLowerCase();
    return this.claim(path === "" ? [opPart] : [path, `${path}.${opPart}`]);
  }

  /** An id for a node of an unscoped graph, from the module it was found in: its own (`features.conv0`), or the one around it (`features.relu`). */
  nameIn(module: string, own: boolean, opType: string): string {
    const op = opType.toLowerCase();
    if (module === "") return this.claim([op]);
    return this.claim(own ? [module, `${module}.${op}`] : [`${module}.${op}`]);
  }

  private claim(candidates: string[]): string {
    let id = candidates.find((c) => c !== "" && !this.used.has(c));
    const base = candidates[candidates.length - 1]!;
    let n = this.nextNumber.get(base) ?? 2;
    for (; id === undefined; n++) {
      const numbered = `${base}_${n}`;
      if (!this.used.has(numbered)) id = numbered;
    }
    this.nextNumber.set(base, n);
    this.used.add(id);
    return id;
  }
}

/**
 * Drops leading module parts every layer shares (a wrapper such as `model.`), so ids read
 * like the network's own names. Returns the renaming; ids stay unique.
 */
export function trimCommonPrefix(ids: readonly string[]): Map<string, string> {
  const renamed = new Map<string, string>();
  if (ids.length < 2) return renamed;
  const first = ids[0]!.split(".")[0]!;
  if (!ids.every((id) => id.startsWith(`${first}.`))) return renamed;
  const trimmed = ids.map((id) => id.slice(first.length + 1));
  if (new Set(trimmed).size !== ids.length) return renamed;
  ids.forEach((id, i) => renamed.set(id, trimmed[i]!));
  return renamed;
}
