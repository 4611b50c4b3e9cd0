import { describe, expect, it } from "vitest";
import { formatDiagnostic } from "../../src/lang/diagnostics.js";
import { diagnosticsOf } from "../helpers/netfig.js";

/** `line:column: message` of each diagnostic, for compact expectations. */
function where(text: string): string[] {
  return diagnosticsOf(text).map((d) => `${d.location?.line}:${d.location?.column}: ${d.message}`);
}

describe("syntax errors", () => {
  it("point at an unexpected token", () => {
    expect(where("input 8x8x3\nconv 4 3x3 ->\n")).toEqual(["3:1: expected a layer, found end of line"]);
  });

  it("report an unterminated string", () => {
    expect(where('input 8x8x3\nconv 4 3x3 "label\n')[0]).toBe("2:12: unterminated string");
  });

  it("report a number running into a word", () => {
    expect(where("input 8x8x3\nconv 4 3x3s\n")[0]).toBe("2:8: unexpected '3x3s': a number cannot run into a word");
  });

  it("are all reported at once", () => {
    expect(where("input 8x8x3\nconv 4 3x3 = 2\n}\nrelu )\n")).toHaveLength(3);
  });
});

describe("compile errors", () => {
  it("suggest the layer kind that was probably meant", () => {
    const [d] = diagnosticsOf("input 8x8x3\ns2: maxpol 2x2/2\n");
    expect(d!.message).toBe("unknown layer kind 'maxpol'");
    expect([d!.location!.line, d!.location!.column]).toEqual([2, 5]);
    expect(d!.hint).toBe("did you mean maxpool?");
  });

  it("name the setting a layer does not have", () => {
    const [d] = diagnosticsOf("input 8x8x3\nconv 4 3x3 strde=2\n");
    expect(d!.message).toBe("conv has no setting 'strde'");
    expect(d!.location!.column).toBe(12);
  });

  it("catch a missing required argument", () => {
    expect(where("input 8x8x3\nconv 3x3\n")).toEqual(["2:1: conv needs a number of filters"]);
  });

  it("catch a reference to a layer that does not exist", () => {
    const [d] = diagnosticsOf("input 8x8x3\nc1: conv 4 3x3\nrelu from c2\n");
    expect(`${d!.location!.line}:${d!.location!.column}: ${d!.message}`).toBe("3:11: no layer named 'c2' above this line");
    expect(d!.hint).toBe("did you mean c1?");
  });

  it("catch duplicate names", () => {
    expect(where("input 8x8x3\na: conv 4 3x3\na: relu\n")).toEqual(["3:4: duplicate name 'a'"]);
  });

  it("catch a block called with a parameter it does not have", () => {
    expect(where("block b(c) {\n  conv c 3x3\n}\ninput 8x8x3\nb(4, d=2)\n")).toEqual(["5:6: b has no parameter 'd'"]);
  });

  it("catch a block parameter without a value", () => {
    expect(where("block b(c, s) {\n  conv c 3x3/s\n}\ninput 8x8x3\nb(4)\n")).toEqual(["5:1: b needs a value for 's'"]);
  });

  it("catch channels that do not split into towers", () => {
    expect(where("input 8x8x3\ntowers 2 {\n  conv 5 3x3\n}\n")).toEqual(["3:3: 5 filters do not split evenly into 2 towers"]);
  });

  it("catch a network without an input", () => {
    expect(where("conv 4 3x3\n")[0]).toBe("1:1: conv has no input");
  });
});

describe("shape errors", () => {
  it("point at a kernel larger than its padded input", () => {
    const [d] = diagnosticsOf("input 32x32x1\nc1: conv 6 5x5\ns2: maxpool 2x2/2\nc3: conv 16 5x5\ns4: maxpool 2x2/2\nc5: conv 120 7x7\n");
    expect(d!.message).toBe("conv c5: 7x7 kernel is larger than its 5x5x16 input (pad 0)");
    expect([d!.location!.line, d!.location!.column]).toEqual([6, 5]);
  });

  it("ask for flatten before fc on an image", () => {
    const [d] = diagnosticsOf("input 8x8x3\nconv 4 3x3\nclassifier: fc 10\n");
    expect(d!.message).toBe("fc classifier needs a vector, got 6x6x4");
    expect(d!.hint).toBe("insert flatten before it (gives 144), or globalavgpool (gives 4)");
  });

  it("ask for proj when residual branches differ", () => {
    const [d] = diagnosticsOf("input 56x56x64\nadd {\n  conv 128 3x3/2 pad=1\n  shortcut\n}\n");
    expect(d!.message).toBe("add add_1: branch shapes 28x28x128 and 56x56x64 differ — use proj");
    expect([d!.location!.line, d!.location!.column]).toEqual([2, 1]);
  });

  it("reject a concat of mismatched spatial sizes", () => {
    const [d] = diagnosticsOf("input 28x28x8\nconcat {\n  conv 4 3x3\n  conv 4 3x3 pad=1\n}\n");
    expect(d!.message).toBe("concat concat_1: cannot concatenate 26x26x4 and 28x28x4: spatial sizes differ");
  });

  it("reject a recurrent layer on an image", () => {
    expect(where("input 8x8x3\nlstm 16\n")).toEqual(["2:1: lstm lstm_1 needs a TxN sequence, got 8x8x3"]);
  });

  it("skip the layers after a broken one instead of inventing errors, but report other networks", () => {
    const text = "network a {\n  input 8x8x3\n  conv 4 9x9\n  fc 10\n}\nnetwork b {\n  input 10\n  fc 10 from nowhere\n}\n";
    expect(where(text)).toEqual([
      "8:14: no layer named 'nowhere' above this line",
      "3:3: conv conv_1: 9x9 kernel is larger than its 8x8x3 input (pad 0)",
    ]);
  });
});

describe("formatting", () => {
  it("shows file:line:col, the line and a caret under the culprit", () => {
    const text = "input 8x8x3\ns2: maxpol 2x2/2\n";
    const [d] = diagnosticsOf(text);
    expect(formatDiagnostic(d!, new Map([["test.netfig", text]]))).toBe(
      ["test.netfig:2:5: error: unknown layer kind 'maxpol'", "  2 | s2: maxpol 2x2/2", "    |     ^^^^^^", "  hint: did you mean maxpool?"].join("\n"),
    );
  });
});
