/** Same input, same bytes: the PDF and the PNG of the test figure, in this process and in a fresh one. */

import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderFixture } from "./render-fixture.js";
import { tempDir } from "./tools.js";

describe("byte-identical output", () => {
  it("renders the same PDF and PNG bytes twice in one process", async () => {
    const a = await renderFixture();
    const b = await renderFixture();
    expect(Buffer.from(a.pdf).equals(Buffer.from(b.pdf))).toBe(true);
    expect(Buffer.from(a.png).equals(Buffer.from(b.png))).toBe(true);
  });

  it("renders the same bytes in a fresh process", async () => {
    const dir = tempDir();
    const pdfPath = join(dir, "fig.pdf");
    const pngPath = join(dir, "fig.png");
    const child = spawnSync(process.execPath, ["--import", "tsx", "tests/export/render-fixture.ts", pdfPath, pngPath], {
      encoding: "utf8",
      env: { ...process.env, TZ: "Pacific/Kiritimati" }, // dates must not follow the local time zone
    });
    expect(child.status, child.stderr).toBe(0);
    const here = await renderFixture();
    expect(readFileSync(pdfPath).equals(Buffer.from(here.pdf))).toBe(true);
    expect(readFileSync(pngPath).equals(Buffer.from(here.png))).toBe(true);
  }, 60_000);
});
