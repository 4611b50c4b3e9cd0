import { describe, expect, it } from "vitest";
import { analyzeText, shapeOf, summaryOf } from "../helpers/netfig.js";

// Formulas from CS231n ("Convolutional Networks") and DESIGN.md's numeric conventions.
describe("output size", () => {
  it("is floor((n + 2p - f) / s) + 1", () => {
    const net = analyzeText("input 227x227x3\na: conv 96 11x11/4\nb: conv 8 3x3/2 pad=1\nc: maxpool 3x3/2");
    expect(shapeOf(net, "a")).toEqual([55, 55, 96]); // (227 - 11) / 4 + 1
    expect(shapeOf(net, "b")).toEqual([28, 28, 8]); // floor((55 + 2 - 3) / 2) + 1
    expect(shapeOf(net, "c")).toEqual([13, 13, 8]); // floor((28 - 3) / 2) + 1
  });

  it("is ceil(n / s) with pad=same", () => {
    const net = analyzeText("input 7x7x1\na: conv 1 3x3/2 pad=same\nb: conv 1 4x4/3 pad=same\nc: maxpool 2x2/2 pad=same");
    expect(shapeOf(net, "a")).toEqual([4, 4, 1]);
    expect(shapeOf(net, "b")).toEqual([2, 2, 1]);
    expect(shapeOf(net, "c")).toEqual([1, 1, 1]);
  });

  it("follows PyTorch's ceil_mode, which drops a window starting in the padding", () => {
    const net = analyzeText("input 112x112x64\na: maxpool 3x3/2 ceil\nb: maxpool 2x2/2 pad=1 ceil");
    expect(shapeOf(net, "a")).toEqual([56, 56, 64]); // torchvision GoogLeNet maxpool1
    expect(shapeOf(net, "b")).toEqual([29, 29, 64]); // ceil((56 + 2 - 2) / 2) + 1 = 29, last window starts at 56 < 57
  });

  it("handles dilation, asymmetric kernels and transposed convs", () => {
    const net = analyzeText("input 32x32x3\na: conv 8 3x3 dilation=2\nb: conv 8 1x7 pad=0x3\nc: deconv 4 4x4/2 pad=1\nd: deconv 4 3x3/2 pad=1 output_padding=1");
    expect(shapeOf(net, "a")).toEqual([28, 28, 8]); // effective kernel 5
    expect(shapeOf(net, "b")).toEqual([28, 28, 8]);
    expect(shapeOf(net, "c")).toEqual([56, 56, 4]); // (28 - 1) * 2 - 2 + 4
    expect(shapeOf(net, "d")).toEqual([112, 112, 4]); // (56 - 1) * 2 - 2 + 3 + 1
  });
});

describe("parameters", () => {
  it("ten 3x3x3 filters have 280 parameters (CS231n)", () => {
    const net = analyzeText("input 32x32x3\nconv 10 3x3");
    expect(net.layers[1]!.params).toBe(280);
  });

  it("count BN gamma and beta but not running statistics, and drop the bias with bias=false", () => {
    const net = analyzeText("input 8x8x16\nconv 32 3x3 bias=false -> bn");
    expect(net.layers.map((l) => l.params)).toEqual([0, 32 * 16 * 9, 64]);
  });

  it("of grouped convs divide the input channels by the groups", () => {
    const net = analyzeText("input 27x27x96\nconv 256 5x5 pad=2 groups=2");
    expect(net.layers[1]!.params).toBe(256 * 48 * 25 + 256); // AlexNet conv2: 307,456
  });

  it("of an LSTM follow PyTorch: 4 gates, two bias vectors", () => {
    const net = analyzeText("input 35x128\nlstm 256 -> lstm 64 last");
    expect(net.layers[1]!.params).toBe(4 * 256 * (128 + 256 + 2)); // torch.nn.LSTM(128, 256): 395,264
    expect(net.layers[2]!.shape).toEqual([64]);
    expect(net.layers[2]!.params).toBe(4 * 64 * (256 + 64 + 2));
  });
});

describe("receptive field", () => {
  it("grows 3, 5, 7, 9, 10 over four 3x3 convs and a 2x2 pool on a 10x10 input", () => {
    const net = analyzeText("input 10x10x1\nconv 1 3x3\nconv 1 3x3\nconv 1 3x3\nconv 1 3x3\nmaxpool 2x2/1");
    const layers = net.layers.slice(1);
    expect(layers.map((l) => l.shape[0])).toEqual([8, 6, 4, 2, 1]);
    expect(layers.map((l) => l.rf)).toEqual([3, 5, 7, 9, 10]);
  });

  it("multiplies the jump by each stride (AlexNet conv1 then pool1)", () => {
    const net = analyzeText("input 227x227x3\nconv 96 11x11/4\nmaxpool 3x3/2");
    expect(net.layers.map((l) => [l.rf, l.jump])).toEqual([[1, 1], [11, 4], [19, 8]]);
  });
});

describe("the naive Inception module on 28x28x256", () => {
  it("outputs 28x28x672 with 854,196,224 MACs (1x1 128, 3x3 192, 5x5 96, 3x3 pool, all same)", () => {
    const summary = summaryOf("templates/inception-naive.netfig");
    expect(summary.layers.at(-1)!.shape).toEqual([28, 28, 672]);
    expect(summary.totals.macs).toBe(854_196_224);
  });

  it("with 1x1 bottlenecks outputs 28x28x480 with 271,351,808 MACs (PyTorch fixture)", () => {
    const summary = summaryOf("templates/inception-bottleneck.netfig");
    expect(summary.layers.at(-1)!.shape).toEqual([28, 28, 480]);
    expect(summary.totals.macs).toBe(271_351_808);
  });
});

describe("memory", () => {
  it("is output elements times 4 bytes", () => {
    const net = analyzeText("input 224x224x3\nconv 64 7x7/2 pad=3");
    expect(net.layers[1]!.memory).toBe(112 * 112 * 64 * 4);
    expect(net.totals.memory).toBe((224 * 224 * 3 + 112 * 112 * 64) * 4);
  });
});
