/** Debian's Chromium driven by playwright-core, headless, with a fresh profile and no network chatter. */
import { chromium, type BrowserContext } from "playwright-core";
import { scratchDir } from "./temp.js";

export async function launchChromium(): Promise<BrowserContext> {
  return chromium.launchPersistentContext(scratchDir("netfig-chromium-"), {
    executablePath: "/usr/bin/chromium",
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1100, height: 520 },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
