/**
 * The browser bundle (one ES module by esbuild, scripts/build-browser.mjs) in real headless
 * Chromium, loaded from 127.0.0.1: templates render to the very SVG string Node makes
 * (the bundled font metrics and fonts measure text as Node does), a builder network too,
 * and what needs Node says so.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { render } from "../../src/api/index.js";
import { launchChromium } from "../helpers/chromium.js";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";
import { needTools } from "../export/tools.js";

// Chains, an Inception module with a non-ASCII caption (→, ·), two networks, the engine-run
// arithmetic style, ELK-placed towers, a U-Net drawn as a U, neurons.
const TEMPLATES = ["lenet5", "inception-bottleneck", "gan", "edge-detection", "alexnet", "unet", "resnet18", "mlp"];

/** The bundle's exports, as the page holds them. */
type Netfig = typeof import("../../src/api/browser.js");

let server: Server | undefined;
afterAll(() => server?.close());

async function serveBundle(): Promise<string> {
  const dir = scratchDir("netfig-browser-");
  const { buildBrowser } = (await import(join(root, "scripts/build-browser.mjs"))) as { buildBrowser(out: string): Promise<unknown> };
  await buildBrowser(join(dir, "netfig.js"));
  const bundle = readFileSync(join(dir, "netfig.js"));
  server = createServer((request, response) => {
    if (request.url === "/netfig.js") response.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else response.writeHead(200, { "content-type": "text/html" }).end(`<!doctype html><title>netfig</title><script type="module">import * as netfig from "/netfig.js"; window.netfig = netfig;</script>`);
  });
  await new Promise<void>((listening) => server!.listen(0, "127.0.0.1", listening));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe("the browser bundle in Chromium", () => {
  it("renders every drawing style to the SVG Node makes, byte for byte", async (ctx) => {
    needTools(ctx, "chromium");
    const url = await serveBundle();
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(url);
      await page.waitForFunction(() => "netfig" in globalThis);
      for (const name of TEMPLATES) {
        const text = readFileSync(join(root, "templates", `${name}.netfig`), "utf8");
        const inBrowser = await page.evaluate(
          ([text, file]) => (globalThis as unknown as { netfig: Netfig }).netfig.render(text, { name: file }),
          [text, `${name}.netfig`] as const,
        );
        expect(inBrowser, name).toBe(await render(text, { name: `${name}.netfig` }));
      }

      // An ONNX model from its bytes (torchvision's AlexNet, exported without weights): the same figure and totals.
      const onnx = readFileSync(join(root, "tests/fixtures/onnx/alexnet.onnx"));
      const fromBytes = await page.evaluate(async (bytes) => {
        const { render, summary } = (globalThis as unknown as { netfig: Netfig }).netfig;
        const model = new Uint8Array(bytes);
        return { svg: await render(model, { name: "alexnet.onnx" }), totals: (await summary(model, { name: "alexnet.onnx" })).networks[0]!.totals };
      }, [...onnx]);
      expect(fromBytes.svg).toBe(await render(new Uint8Array(onnx), { name: "alexnet.onnx" }));
      const reference = JSON.parse(readFileSync(join(root, "tests/fixtures/onnx/alexnet.json"), "utf8")) as { params: number; macs: number };
      expect(fromBytes.totals).toMatchObject({ params: reference.params, macs: reference.macs });

      // The builder runs in the page too; PDF asks for the Node package.
      const built = await page.evaluate(async () => {
        const { render, model, layers, chain } = (globalThis as unknown as { netfig: Netfig }).netfig;
        const { input, conv, relu, maxpool } = layers;
        const net = model([input("64x64x3"), chain(conv(16, "3x3", { pad: 1 }), relu()), maxpool("2x2/2")], { name: "tiny" });
        const svg = await render(net, { theme: "mono", width: "85mm" });
        const pdf = await render(net, { format: "pdf" }).then(() => "made a PDF", (error: Error) => error.message);
        return { svg, pdf };
      });
      expect(built.svg).toBe(await render("input 64x64x3\nconv 16 3x3 pad=1 -> relu\nmaxpool 2x2/2", { name: "tiny", theme: "mono", width: "85mm" }));
      expect(built.pdf).toBe("netfig (browser build): PDF output needs the Node package (npm install netfig); the browser build renders SVG");
    } finally {
      await browser.close();
    }
  }, 120_000);
});
