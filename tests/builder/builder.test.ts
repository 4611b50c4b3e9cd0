/**
 * The builder by hand: each construct of the language written in TypeScript gives the
 * text's numbers, and a mistake is reported at the line of TypeScript that made it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { check, summary } from "../../src/api/index.js";
import { scratchDir } from "../helpers/temp.js";
import { add, block, chain, concat, dims, figure, group, layers, model, network, repeat, required, title, towers } from "../../src/builder/index.js";

const { input, conv, bn, relu, maxpool, fc, flatten, shortcut, proj, globalavgpool, lstm } = layers;
const thisFile = fileURLToPath(import.meta.url);

/** Line and column (1-based) of the first occurrence of `marker` in this file. */
function positionOf(marker: string): { line: number; column: number } {
  const lines = readFileSync(thisFile, "utf8").split("\n");
  const line = lines.findIndex((l) => l.includes(marker));
  return { line: line + 1, column: lines[line]!.indexOf(marker) + 1 };
}

async function sameNumbers(built: Parameters<typeof summary>[0], text: string): Promise<void> {
  const expected = await summary(text, { name: "network" });
  expect(expected.networks[0]!.layers.length).toBeGreaterThan(1);
  expect(await summary(built)).toEqual(expected);
}

describe("the builder writes what the text writes", () => {
  it("a chain with names, a residual block as a function, a projection shortcut, repeat with numbering", async () => {
    const basic = block("basic", { c: required, s: 1 }, ({ c, s }) => [
      add(chain(conv(c, dims(3, 3).stride(s), { pad: 1, bias: false }), bn(), relu(), conv(c, "3x3", { pad: 1, bias: false }), bn()), shortcut()),
      relu(),
    ]);
    const down = block("down", { c: required, out: ({ c }) => c.times(2) }, ({ c, out }) => [
      add(chain(conv(out, "3x3/2", { pad: 1 }), bn(), relu(), conv(out, "3x3", { pad: 1 }), bn()), chain(proj().as("downsample"), bn())),
      relu(),
      conv(c, "1x1"),
    ]);
    const built = model([
      input("56x56x64"),
      repeat(2, basic(64)).as("layer1"),
      down(64).as("layer2"),
      globalavgpool(),
      flatten(),
      fc(10).as("fc"),
    ]);
    await sameNumbers(built, `
block basic(c, s=1) {
  add {
    conv c 3x3/s pad=1 bias=false -> bn -> relu -> conv c 3x3 pad=1 bias=false -> bn
    shortcut
  }
  relu
}
block down(c, out=c*2) {
  add {
    conv out 3x3/2 pad=1 -> bn -> relu -> conv out 3x3 pad=1 -> bn
    downsample: proj -> bn
  }
  relu
  conv c 1x1
}
input 56x56x64
layer1: repeat 2 basic(64)
layer2: down(64)
globalavgpool
flatten
fc: fc 10
`);
    // ResNet basic blocks at 64 channels: 2 × (2 × 3·3·64·64 + 2 × 2·64) = 147,968 parameters (He et al. 2016, torchvision's layer1).
    const layer1 = (await summary(built)).networks[0]!.layers.filter((l) => l.name.startsWith("layer1."));
    expect(layer1.reduce((sum, l) => sum + l.params, 0)).toBe(147_968);
  });

  it("an Inception module's concat, two towers with a cross layer, several inputs, figure settings and two networks", async () => {
    const built = model([
      figure({ theme: "mono", direction: "down" }),
      network("vision", [
        title("Two towers"),
        input("27x27x96"),
        concat(conv(64, "1x1"), chain(conv(96, "1x1"), conv(128, "3x3", { pad: 1 })), [maxpool("3x3/1", { pad: 1 }), conv(32, "1x1")]).as("mixed"),
        towers(2, [conv(256, "3x3", { pad: 1 }).as("a"), conv(256, "3x3", { pad: 1 }, "cross").as("b"), relu()]),
        group("head", [flatten(), fc(10)]),
      ]),
      network("fusion", [
        input(100).as("z"),
        input("16x8").as("seq"),
        lstm(32, "last").from("seq").as("enc"),
        concat().from("z", "enc"),
        fc(64),
      ]),
    ]);
    const text = `
figure {
  theme: mono
  direction: down
}
network vision {
  title "Two towers"
  input 27x27x96
  mixed: concat {
    conv 64 1x1
    conv 96 1x1 -> conv 128 3x3 pad=1
    {
      maxpool 3x3/1 pad=1
      conv 32 1x1
    }
  }
  towers 2 {
    a: conv 256 3x3 pad=1
    b: conv 256 3x3 pad=1 cross
    relu
  }
  head: {
    flatten
    fc 10
  }
}
network fusion {
  z: input 100
  seq: input 16x8
  enc: lstm 32 last from seq
  concat from z, enc
  fc 64
}
`;
    expect(await summary(built)).toEqual(await summary(text));
    const vision = (await summary(built)).networks[0]!;
    expect(vision).toMatchObject({ name: "vision", title: "Two towers" });
    // The towers' first conv reads the whole 224-channel input in each lane: 2 × (3·3·224·128 + 128) = 516,352; the cross conv reads all 256 channels: 2 × (3·3·256·128 + 128) = 590,080.
    expect(vision.layers.find((l) => l.name === "a")!.params).toBe(516_352);
    expect(vision.layers.find((l) => l.name === "b")!.params).toBe(590_080);
  });
});

describe("a mistake points at the builder call that made it", () => {
  it("a kernel larger than its input: the conv's line and column in this file", async () => {
    const built = model([input("32x32x1"), conv(6, "5x5"), maxpool("2x2/2"), conv(16, "99x99") /* marker: too-big */]);
    const result = await check(built);
    expect(result.ok).toBe(false);
    const [error] = result.diagnostics;
    expect(error!.message).toBe("conv conv_2: 99x99 kernel is larger than its 14x14x6 input (pad 0)");
    const at = positionOf('conv(16, "99x99")');
    expect(error!.location).toEqual({ file: thisFile, line: at.line, column: at.column, length: 4 });
  });

  it("an unknown layer kind, with the kind it was probably meant to be", async () => {
    const result = await check(model([input("8x8x3"), layers.convv!(8, "3x3")]));
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({ message: "unknown layer kind 'convv'", hint: "did you mean conv?", location: { file: thisFile, line: positionOf("layers.convv!(8").line } });
  });

  it("a block call with a parameter it does not have", async () => {
    const stage = block("stage", { c: required }, ({ c }) => [conv(c, "3x3", { pad: 1 }), relu()]);
    const result = await check(model([input("8x8x3"), stage(8, { width: 2 })]));
    expect(result.diagnostics.map((d) => d.message)).toContain("stage has no parameter 'width'");
    expect(result.diagnostics[0]!.location!.line).toBe(positionOf("stage(8, { width: 2 })").line);
  });
});

describe("docs/builder.md", () => {
  it("its example runs as printed and draws the network", async () => {
    const doc = readFileSync(fileURLToPath(new URL("../../docs/builder.md", import.meta.url)), "utf8");
    const code = /```ts\n([\s\S]*?)```/.exec(doc)![1]!
      .replace('from "netfig/builder"', `from ${JSON.stringify(new URL("../../dist/builder/index.js", import.meta.url).href)}`)
      .replace('from "netfig"', `from ${JSON.stringify(new URL("../../dist/index.js", import.meta.url).href)}`);
    const file = join(scratchDir("netfig-doc-"), "example.mjs");
    writeFileSync(file, `${code}\nexport { svg };\n`);
    const { svg } = (await import(file)) as { svg: string };
    expect(svg).toContain("layer2");
    expect(svg).toContain("28×28×128");
  });
});
