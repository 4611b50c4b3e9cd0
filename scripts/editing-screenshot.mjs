#!/usr/bin/env node
/**
 * The README's "Editing a figure" image: LeNet-5 written as a .pptx by netfig, opened by
 * LibreOffice Impress (headless, with a fresh profile) and exported as it draws the slide,
 * rasterised by poppler at 110 dpi into docs/images/editing-impress.png. The same netfig
 * and LibreOffice give the same pixels.
 *
 * Usage: npm run build && node scripts/editing-screenshot.mjs (needs soffice and pdftoppm:
 * apt-get install libreoffice-impress poppler-utils).
 */

import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const scratch = mkdtempSync(join(tmpdir(), "netfig-screenshot-"));
try {
  const pptx = join(scratch, "lenet5.pptx");
  execFileSync(process.execPath, [join(root, "bin/netfig.js"), "render", "lenet5", "-o", pptx], { stdio: "inherit" });
  execFileSync("soffice", [`-env:UserInstallation=file://${join(scratch, "profile")}`, "--headless", "--convert-to", "pdf", "--outdir", scratch, pptx], { stdio: "ignore" });
  execFileSync("pdftoppm", ["-png", "-r", "110", "-singlefile", join(scratch, "lenet5.pdf"), join(scratch, "impress")]);
  copyFileSync(join(scratch, "impress.png"), join(root, "docs/images/editing-impress.png"));
  process.stderr.write("wrote docs/images/editing-impress.png\n");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
