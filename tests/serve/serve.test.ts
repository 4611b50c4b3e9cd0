/**
 * `netfig serve` in real headless Chromium: the page shows the figure, redraws within a
 * second of a replace-on-save, shows a broken edit's located error above the old figure,
 * shows a block's summary row on hover, and downloads the PDF.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { launchChromium } from "../helpers/chromium.js";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";
import { needTools } from "../export/tools.js";

const LENET = readFileSync(join(root, "templates/lenet5.netfig"), "utf8");

/** Writes `text` the way safe-saving editors do: a new file renamed over the old one. */
function replaceOnSave(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/** Starts `netfig serve` and resolves with its URL (its first line on stdout). */
function serve(file: string): Promise<{ url: string; child: ChildProcess; stderr: () => string }> {
  const child = spawn(process.execPath, [join(root, "bin/netfig.js"), "serve", file, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve({ url: out.split("\n")[0]!, child, stderr: () => err });
    });
    child.on("exit", (code) => reject(new Error(`netfig serve exited with ${code}: ${err}`)));
  });
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill();
});

describe("netfig serve in Chromium", () => {
  it("shows the figure, follows saves, keeps the last good figure under an error, hovers, downloads", async (ctx) => {
    needTools(ctx, "chromium");
    const dir = scratchDir("netfig-serve-");
    const file = join(dir, "net.netfig");
    writeFileSync(file, LENET);
    const server = await serve(file);
    children.push(server.child);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(server.url);
      await page.waitForSelector("#figure svg");
      expect(await page.textContent("#figure svg title")).toBe("LeNet-5");
      expect(await page.textContent("#figure")).toContain("28×28×6");
      expect(await page.textContent("#command")).toBe(`netfig render ${file} -o ${file.replace(/\.netfig$/, ".svg")}`);

      // A replace-on-save: c1 gets 8 filters; the page shows it within a second.
      const saved = Date.now();
      replaceOnSave(file, LENET.replace("c1: conv 6 5x5", "c1: conv 8 5x5"));
      await page.waitForFunction(() => document.querySelector("#figure")!.textContent!.includes("28×28×8"), undefined, { timeout: 1000, polling: 20 });
      const redrawMs = Date.now() - saved;
      expect(redrawMs).toBeLessThan(1000);

      // Controls map to flags: the command line follows them, and the figure is drawn with them.
      await page.selectOption("#theme", "mono");
      await page.selectOption("#width", "85mm");
      await page.waitForFunction(() => document.querySelector("#command")!.textContent!.includes("--theme mono --width 85mm"));
      await page.waitForFunction(() => document.querySelector("#figure svg")!.getAttribute("width") === "240.94pt");
      await page.selectOption("#width", "");
      await page.waitForFunction(() => !document.querySelector("#command")!.textContent!.includes("--width"));

      // A broken edit: the located message with the line and caret, the last good figure still there.
      replaceOnSave(file, LENET.replace("c1: conv 6 5x5", "c1: conv 8 5x5").replace("c3: conv 16 5x5", "c3: conv 16 55x55"));
      await page.waitForSelector("#error:not([hidden])", { timeout: 1000 });
      const error = (await page.textContent("#error"))!;
      expect(error).toContain(`${file}:7:5: error: conv c3: 55x55 kernel is larger than its 14x14x8 input (pad 0)`);
      expect(error).toContain("  7 | c3: conv 16 55x55 -> relu\n    |     ^^^^");
      expect(error).toContain("hint: ");
      expect(await page.textContent("#figure")).toContain("28×28×8");

      // Hovering c1's block shows its summary row: shape, parameters (8·25 + 8), MACs (28·28·8·25), receptive field.
      const face = page.locator('#figure [id="block-face-c1"]');
      const box = (await face.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForSelector("#tooltip:not([hidden])");
      const tip = (await page.textContent("#tooltip"))!;
      expect(tip).toContain("shape  28×28×8");
      expect(tip).toContain("params 208");
      expect(tip).toContain("MACs   156.8k");
      expect(tip).toContain("RF     5×5");

      await page.screenshot({ path: process.env.NETFIG_SCREENSHOT ?? join(dir, "serve.png") });

      // Fixed again; the PDF download is the figure's bytes.
      replaceOnSave(file, LENET.replace("c1: conv 6 5x5", "c1: conv 8 5x5"));
      await page.waitForSelector("#error[hidden]", { state: "attached", timeout: 1000 });
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-pdf")]);
      expect(download.suggestedFilename()).toBe("net.pdf");
      const pdf = readFileSync((await download.path())!);
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      expect(pdf.length).toBeGreaterThan(2000);
      expect(server.stderr()).toContain("netfig: reloaded");

      // Label text is untrusted: markup in it is shown as text, never made into elements.
      replaceOnSave(file, LENET.replace("c1: conv 6 5x5", 'c1: conv 6 5x5 "<img src=x onerror=alert(1)>"'));
      await page.waitForFunction(() => document.querySelector("#figure")!.textContent!.includes("<img src=x"), undefined, { timeout: 1000 });
      expect(await page.locator("#figure img").count()).toBe(0);
    } finally {
      await browser.close();
    }
  }, 60_000);
});

