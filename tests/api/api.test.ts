/**
 * `render`, `check` and `summary` as a script calls them: every input kind, every format,
 * the CLI's options with the CLI's checks, and the command line giving the same bytes.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check, render, renderFigure, summary } from "../../src/api/index.js";
import { compile } from "../../src/graph/compile.js";
import { parse } from "../../src/lang/parser.js";
import { analyzeSource } from "../../src/analyze/source.js";
import { OptionError } from "../../src/options/errors.js";
import { root } from "../helpers/netfig.js";

const RESNET18 = readFileSync(join(root, "templates/resnet18.netfig"), "utf8");
const LENET = readFileSync(join(root, "templates/lenet5.netfig"), "utf8");

async function optionError(promise: Promise<unknown>): Promise<OptionError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(OptionError);
  return error as OptionError;
}

describe("render", () => {
  it("gives the bytes `netfig render` writes, for the same options", async () => {
    const cli = execFileSync(process.execPath, [join(root, "bin/netfig.js"), "render", "templates/resnet18.netfig", "--theme", "mono", "--direction", "down", "-o", "-"], { cwd: root, encoding: "utf8" });
    expect(await render(RESNET18, { name: "templates/resnet18.netfig", theme: "mono", direction: "down" })).toBe(cli);
  });

  it("makes SVG text, PDF and PNG bytes, the same every time", async () => {
    const svg: string = await render(LENET);
    expect(svg).toContain("<title>LeNet-5</title>");
    const pdf: Uint8Array = await render(LENET, { format: "pdf" });
    expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
    expect(Buffer.from(await render(LENET, { format: "pdf" }))).toEqual(Buffer.from(pdf));
    const png = await render(LENET, { format: "png", dpi: 72 });
    expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]);
    // At 72 dpi a pixel is a point: the PNG is the SVG's size.
    const width = Number(/width="([\d.]+)pt"/.exec(svg)![1]);
    expect(Buffer.from(png).readUInt32BE(16)).toBe(Math.ceil(width));
  });

  it("fits a printed width as --width does, and says what it chose", async () => {
    const lines: string[] = [];
    const { output, choice } = await renderFigure(LENET, { width: "85mm", onChoice: (line) => lines.push(line) });
    // 85 mm = 85 / 25.4 × 72 pt.
    expect(output).toMatch(/width="240.94pt"/);
    expect(lines).toEqual([choice]);
    expect(choice).toMatch(/^netfig: --width 85mm: /);
  }, 30_000);

  it("takes text, a compiled graph, an analysed graph and ONNX bytes", async () => {
    const fromText = await render(LENET, { name: "lenet5.netfig" });
    expect(await render(compile(parse(LENET, "lenet5.netfig")))).toBe(fromText);
    expect(await render(analyzeSource(LENET, "lenet5.netfig"))).toBe(fromText);
    const onnx = readFileSync(join(root, "tests/fixtures/onnx/alexnet.onnx"));
    expect(await render(new Uint8Array(onnx), { name: "alexnet.onnx" })).toContain("<svg");
  });

  it("draws activations when asked", async () => {
    const svg = await render("input 32x32x3\nconv 8 3x3 pad=1 -> relu\nmaxpool 2x2/2", { activations: { seed: 3, colormap: "grey" } });
    expect(svg.match(/<image /g)?.length).toBeGreaterThanOrEqual(2);
  });

  it("refuses bad option values as option errors naming the option, as the CLI's flags are", async () => {
    expect((await optionError(render(LENET, { blockSize: 100 }))).option).toBe("blockSize");
    expect((await optionError(render(LENET, { width: "85" }))).message).toBe('"85" has no unit; write 85mm, 85in or 85pt');
    expect((await optionError(render(LENET, { format: "gif" as "svg" }))).option).toBe("format");
    expect((await optionError(render(LENET, { network: "nosuch" }))).message).toBe("no network 'nosuch' in <input> (it has LeNet-5)");
    expect((await optionError(render(LENET, { format: "png", dpi: 300, pngScale: 2 }))).option).toBe("dpi");
    expect((await optionError(render(LENET, { activations: { colormap: "rainbow" } }))).option).toBe("colormap");
  });
});

describe("check and summary", () => {
  it("check: totals for a valid network (ResNet-18: 11,689,512 parameters, 1.814G MACs, torchvision)", async () => {
    const result = await check(RESNET18);
    expect(result.ok).toBe(true);
    expect(result.networks[0]!.totals).toMatchObject({ params: 11_689_512, macs: 1_814_073_344 });
  });

  it("check: invalid input is data, every error located", async () => {
    const result = await check("input 32x32x1\nconv 6 5x5\nconv 16 50x50\nfcc 10", { name: "bad.netfig" });
    expect(result.ok).toBe(false);
    expect(result.networks).toEqual([]);
    // Found by different stages (compile, then shape analysis); the CLI prints them in line order.
    expect(result.diagnostics.map((d) => [d.location?.line, d.message]).sort()).toEqual([
      [3, "conv conv_2: 50x50 kernel is larger than its 28x28x6 input (pad 0)"],
      [4, "unknown layer kind 'fcc'"],
    ]);
  });

  it("summary: torchvision's AlexNet from ONNX bytes has its reference totals", async () => {
    const reference = JSON.parse(readFileSync(join(root, "tests/fixtures/onnx/alexnet.json"), "utf8")) as { params: number; macs: number };
    const { networks } = await summary(new Uint8Array(readFileSync(join(root, "tests/fixtures/onnx/alexnet.onnx"))));
    expect(networks[0]!.totals).toMatchObject({ params: reference.params, macs: reference.macs });
  });
});
