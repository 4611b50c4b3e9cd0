import { int, readTensor, type NodeProto, type OnnxTensor } from "./decode.js";

/** Typed access to a node's attributes, with ONNX's defaults supplied by the caller. */
export class Attributes {
  constructor(private readonly node: NodeProto) {}

  private find(name: string) {
    return this.node.attribute?.find((a) => a.name === name);
  }

  has(name: string): boolean {
    return this.find(name) !== undefined;
  }

  int(name: string, fallback: number): number {
    const a = this.find(name);
    return a ? int(a.i) : fallback;
  }

  /** Float attributes are float32: read back as the shortest decimal that is the same float32 (1e-5, not 9.99999974e-6). */
  float(name: string, fallback: number): number {
    const f = this.find(name)?.f;
    if (f === undefined || f === null) return fallback;
    for (let digits = 1; digits < 17; digits++) {
      const short = Number(f.toPrecision(digits));
      if (Math.fround(short) === Math.fround(f)) return short;
    }
    return f;
  }

  ints(name: string): number[] | undefined {
    const a = this.find(name);
    return a ? (a.ints ?? []).map(int) : undefined;
  }

  string(name: string, fallback: string): string {
    const a = this.find(name);
    return a?.s ? new TextDecoder().decode(a.s) : fallback;
  }

  tensor(name: string): OnnxTensor | undefined {
    const a = this.find(name);
    return a?.t ? readTensor(a.t, name) : undefined;
  }
}
