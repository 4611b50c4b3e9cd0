/**
 * `render --watch` follows a file however it is saved — written in place, or a new file
 * renamed over it (`sed -i`, `mv`, an editor's safe-write), which plain `fs.watch` loses
 * track of — printing one line per render, or the diagnostics with the last good figure kept.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

const NETFIG = join(root, "bin/netfig.js");

/** Resolves when `read()` satisfies `done`, polling; rejects after `ms`. */
async function until(read: () => string, done: (text: string) => boolean, ms = 3000): Promise<string> {
  const start = Date.now();
  for (;;) {
    const text = read();
    if (done(text)) return text;
    if (Date.now() - start > ms) throw new Error(`timed out; last seen:\n${text}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("render --watch", () => {
  it("re-renders on in-place writes and renames alike, one line each, and keeps the last good figure on an error", async () => {
    const dir = scratchDir("netfig-watch-");
    const file = join(dir, "n.netfig");
    const out = join(dir, "n.svg");
    writeFileSync(file, "input 32x32x1\nconv 6 5x5\n");
    const child = spawn(process.execPath, [NETFIG, "render", file, "-o", out, "--watch"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const lines = () => stderr.split("\n").filter((l) => l !== "");
    // The shape label in the figure, with the log for a failure message.
    const svg = () => `${readFileSync(out, "utf8").match(/28×28×\d+/)?.[0]}\n--- stderr:\n${stderr}`;
    try {
      await until(() => stderr, (s) => s.includes("watching"));
      expect(svg()).toContain("28×28×6");

      writeFileSync(file, "input 32x32x1\nconv 7 5x5\n");
      await until(svg, (s) => s.includes("28×28×7"));

      // Replaced by rename, twice: the watcher must still be following the name.
      for (const channels of [8, 9]) {
        writeFileSync(`${file}.new`, `input 32x32x1\nconv ${channels} 5x5\n`);
        renameSync(`${file}.new`, file);
        await until(svg, (s) => s.includes(`28×28×${channels}`));
      }

      writeFileSync(file, "input 32x32x1\nconv 9 55x55\n");
      await until(() => stderr, (s) => s.includes("kept the last good"));
      expect(svg()).toContain("28×28×9");
      expect(stderr).toContain(`${file}:2:1: error: conv conv_1: 55x55 kernel is larger than its 32x32x1 input (pad 0)`);

      writeFileSync(file, "input 32x32x1\nconv 10 5x5\n");
      await until(svg, (s) => s.includes("28×28×10"));
      await until(() => stderr, (s) => lines().filter((l) => /^netfig: wrote .* \(\d+ ms\)$/.test(l)).length === 4);
      // One line per render: the first, four re-renders, the error (five lines and the kept-figure line).
      expect(lines().filter((l) => l.startsWith("netfig: wrote"))).toHaveLength(5);
    } finally {
      child.kill();
    }
  }, 30_000);
});

describe("serve on the command line", () => {
  it("a missing file or a bad port is a usage error (exit 2), in one line", () => {
    const missing = spawnSync(process.execPath, [NETFIG, "serve", "no-such.netfig"], { encoding: "utf8" });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("netfig: no-such.netfig: no such file (serve watches a file; start from a template with `netfig new NAME`)\n");
    const port = spawnSync(process.execPath, [NETFIG, "serve", join(root, "templates/lenet5.netfig"), "--port", "99999"], { encoding: "utf8" });
    expect(port.status).toBe(2);
    expect(port.stderr).toBe("netfig: --port: expected a port number from 0 to 65535, got '99999'\n");
  });
});
