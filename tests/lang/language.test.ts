import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { analyzeText, shapeOf } from "../helpers/netfig.js";

// One test per construct of docs/language.md.
describe("the .netfig language", () => {
  it("chains layers with -> and reads the line above by default", () => {
    const net = analyzeText("input 32x32x3  # an image\nconv 8 3x3 pad=1 -> relu\nmaxpool 2x2\n");
    expect(net.layers.map((l) => [l.node.id, l.node.inputs])).toEqual([
      ["input", []],
      ["conv_1", ["input"]],
      ["relu_1", ["conv_1"]],
      ["maxpool_1", ["relu_1"]],
    ]);
  });

  it("accepts vectors, sequences and several inputs read with from", () => {
    const net = analyzeText("z: input 100\nlabel: input 10\ncond: concat from z, label\nfc 256\nseq: input 35x128\nlstm 64 from seq\n");
    expect(shapeOf(net, "cond")).toEqual([110]);
    expect(shapeOf(net, "lstm_1")).toEqual([35, 64]);
  });

  it("expands blocks with arithmetic on parameters and defaults that use earlier ones", () => {
    const net = analyzeText("block b(c, out=c*4, s=1) {\n  conv c 1x1 -> conv out 3x3/s pad=1\n}\ninput 56x56x64\nfirst: b(16, s=2)\n");
    expect(shapeOf(net, "first.conv_2")).toEqual([28, 28, 64]);
  });

  it("numbers repeated block instances the way PyTorch's Sequential does", () => {
    const net = analyzeText("block b(c) {\n  conv c 3x3 pad=1\n}\ninput 8x8x3\nstage: repeat 3 b(4)\ngroup: {\n  b(8)\n  repeat 2 b(8)\n}\n");
    const ids = net.layers.map((l) => l.node.id);
    expect(ids).toEqual(["input", "stage.0.conv_1", "stage.1.conv_1", "stage.2.conv_1", "group.0.conv_1", "group.1.conv_1", "group.2.conv_1"]);
    expect(net.network.frames.filter((f) => f.repeat).map((f) => f.repeat!.index)).toEqual([0, 1, 2, 0, 1]);
  });

  it("repeats a chain of layers", () => {
    const net = analyzeText("input 8x8x3\nrepeat 2 {\n  conv 4 3x3 pad=1 -> relu\n}\n");
    expect(net.layers).toHaveLength(5);
  });

  it("merges branches with concat and add, with identity, proj and zeropad shortcuts", () => {
    const net = analyzeText(
      [
        "input 56x56x64",
        "a: add {",
        "  conv 64 3x3 pad=1",
        "  shortcut",
        "}",
        "b: add {",
        "  conv 128 3x3/2 pad=1",
        "  p: proj",
        "}",
        "c: add {",
        "  conv 256 3x3/2 pad=1",
        "  z: zeropad",
        "}",
        "d: concat {",
        "  conv 8 1x1",
        "  maxpool 3x3/1 pad=1",
        "}",
      ].join("\n"),
    );
    expect(net.layers.find((l) => l.node.id === "a")!.node.inputs).toEqual(["conv_1", "input"]);
    expect(shapeOf(net, "p")).toEqual([28, 28, 128]);
    expect(net.layers.find((l) => l.node.id === "p")!.params).toBe(64 * 128); // 1x1, no bias (ResNet option B)
    expect(shapeOf(net, "z")).toEqual([14, 14, 256]);
    expect(net.layers.find((l) => l.node.id === "z")!.params).toBe(0); // option A has no parameters
    expect(shapeOf(net, "d")).toEqual([14, 14, 264]);
  });

  it("splits tower channels evenly; cross layers read every tower", () => {
    const net = analyzeText("input 13x13x256\ntowers 2 {\n  c3: conv 384 3x3 pad=1 cross\n  c4: conv 384 3x3 pad=1\n}\n");
    const c3 = net.layers.find((l) => l.node.id === "c3/1")!;
    const c4 = net.layers.find((l) => l.node.id === "c4/2")!;
    expect(c3.node.inputs).toEqual(["input"]);
    expect(c3.shape).toEqual([13, 13, 192]);
    expect(c4.node.inputs).toEqual(["c3/2"]);
    expect(c4.params).toBe(192 * 192 * 9 + 192);
  });

  it("holds several networks, titles, captions, labels and figure settings", () => {
    const text = [
      'figure {\n  theme: paper\n  legend: true\n}',
      'network generator {\n  title "Generator"\n  caption "from noise"\n  z: input 100\n  fc 4096 "project\\nand reshape"\n}',
      "network discriminator {\n  figure {\n    direction: down\n  }\n  input 64x64x3\n  conv 64 4x4/2 pad=1 -> leakyrelu 0.2\n}",
    ].join("\n");
    const graph = analyzeSource(text, "gan.netfig");
    expect(graph.figure).toEqual({ theme: "paper", legend: true });
    expect(graph.networks.map((n) => n.network.name)).toEqual(["generator", "discriminator"]);
    const generator = graph.networks[0]!.network;
    expect([generator.title, generator.caption]).toEqual(["Generator", "from noise"]);
    expect(generator.nodes[1]!.label).toBe("project\nand reshape");
    expect(graph.networks[1]!.network.figure).toEqual({ direction: "down" });
  });

  it("applies defaults to the rest of the scope only", () => {
    const net = analyzeText("input 8x8x4\nblock b() {\n  defaults conv bias=false\n  conv 4 1x1\n}\nb()\nconv 4 1x1\n");
    expect(net.layers.slice(1).map((l) => l.params)).toEqual([16, 20]);
  });

  it("reads a block instance's name as its output", () => {
    const net = analyzeText("block b() {\n  conv 4 1x1 -> relu\n}\ninput 8x8x4\nm: b()\nside: conv 2 1x1\nrelu from m\n");
    expect(net.layers.at(-1)!.node.inputs).toEqual(["m.relu_1"]);
  });
});
