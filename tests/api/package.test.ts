/**
 * The package as npm ships it: `npm pack` of the built dist/ and browser bundle, unpacked
 * into a fresh project's node_modules beside links to this repository's installed
 * dependencies (no network), and a nine-line script that imports "netfig" and
 * "netfig/builder" and writes SVG, PDF and PNG. This holds `exports` and `files` to what a
 * user gets.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";
import { scratchDir } from "../helpers/temp.js";

const SCRIPT = `import { writeFileSync } from "node:fs";
import { render, summary } from "netfig";
import { layers, model, chain } from "netfig/builder";
const { input, conv, relu, maxpool, flatten, fc } = layers;
const net = model([input("32x32x1"), chain(conv(6, "5x5"), relu()), maxpool("2x2/2"), flatten(), fc(10)], { name: "tiny" });
writeFileSync("fig.svg", await render(net));
writeFileSync("fig.pdf", await render(net, { format: "pdf", width: "85mm" }));
writeFileSync("fig.png", await render("input 28x28x1\\nconv 8 3x3 -> relu", { format: "png", dpi: 150 }));
console.log(JSON.stringify((await summary(net)).networks[0].totals));
`;

/** The project the first test made, for the README's script. */
let packedProject: string | undefined;

describe("the packed package", () => {
  it("installs into a project and renders SVG, PDF and PNG from a script of nine lines", async () => {
    const dir = scratchDir("netfig-pack-");
    // dist/ is built before the tests (npm test); the bundle is made here, and `prepare`
    // (which would rebuild dist/ under the other tests' feet) is skipped.
    const { buildBrowser } = (await import(join(root, "scripts/build-browser.mjs"))) as { buildBrowser(): Promise<unknown> };
    await buildBrowser();
    const tarball = execFileSync("npm", ["pack", "--silent", "--ignore-scripts", "--pack-destination", dir], { cwd: root, encoding: "utf8" }).trim().split("\n").pop()!;
    const project = join(dir, "project");
    const installed = join(project, "node_modules", "netfig");
    mkdirSync(installed, { recursive: true });
    execFileSync("tar", ["-xzf", join(dir, tarball), "-C", installed, "--strip-components=1"]);
    // Every installed package, not only netfig's own dependencies: npm's node_modules is flat,
    // so fontkit finds its dependencies (restructure, …) beside it, as a user's install has them.
    const installedPackages = readdirSync(join(root, "node_modules"))
      .filter((name) => !name.startsWith("."))
      .flatMap((name) => (name.startsWith("@") ? readdirSync(join(root, "node_modules", name)).map((inner) => `${name}/${inner}`) : [name]));
    for (const dependency of installedPackages) {
      mkdirSync(join(project, "node_modules", dependency, ".."), { recursive: true });
      symlinkSync(join(root, "node_modules", dependency), join(project, "node_modules", dependency));
    }
    // Only what `files` lists ships: no sources, no tests.
    expect(readdirSync(installed).sort()).not.toContain("src");
    expect(readdirSync(installed).sort()).not.toContain("tests");
    writeFileSync(join(project, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(join(project, "script.mjs"), SCRIPT);
    expect(SCRIPT.trim().split("\n")).toHaveLength(9);

    const printed = execFileSync(process.execPath, ["script.mjs"], { cwd: project, encoding: "utf8" });
    packedProject = project;
    // conv 6 5x5 on 32x32x1: 6·25 + 6 = 156 parameters, 28·28·6·25 = 117,600 MACs; fc 1176 → 10: 11,770 and 11,760.
    expect(JSON.parse(printed)).toEqual({ params: 156 + 11_770, macs: 117_600 + 11_760, memory: expect.any(Number) });
    expect(readFileSync(join(project, "fig.svg"), "utf8")).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(readFileSync(join(project, "fig.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
    expect([...readFileSync(join(project, "fig.png")).subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // The browser bundle ships too, as the "netfig/browser" export.
    const exportsMap = (JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { exports: Record<string, { import: string }> }).exports;
    expect(readFileSync(join(installed, exportsMap["./browser"]!.import), "utf8").length).toBeGreaterThan(100_000);
    // The command line as installed runs from its bundle (npm unpacks every file with one
    // date, so the bundle counts as current) and draws the same PDF as this checkout's.
    expect(readdirSync(join(installed, "dist", "cli", "bundle"))).toContain("netfig.cjs");
    execFileSync(process.execPath, [join(installed, "bin", "netfig.js"), "render", "lenet5", "-o", "installed.pdf"], { cwd: project });
    execFileSync(process.execPath, [join(root, "bin", "netfig.js"), "render", "lenet5", "-o", join(project, "checkout.pdf")], { cwd: project });
    expect(readFileSync(join(project, "installed.pdf")).equals(readFileSync(join(project, "checkout.pdf")))).toBe(true);
  }, 180_000);

  it("runs the README's script as printed (a residual network from the builder to a PDF at 85 mm)", () => {
    expect(packedProject, "the packing test above runs first").toBeDefined();
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const script = /```ts\n(import \{ writeFileSync[\s\S]*?)```/.exec(readme)![1]!;
    expect(script.trim().split("\n").length).toBeLessThanOrEqual(10);
    writeFileSync(join(packedProject!, "readme.mjs"), script);
    const printed = execFileSync(process.execPath, ["readme.mjs"], { cwd: packedProject!, encoding: "utf8" });
    // Two basic blocks at 64 channels, 2 × 2 × (3·3·64·64 + 64) + 2 × 2 × 2·64 = 148,224 (torchvision's layer1), and fc 64 → 10: 650.
    expect(printed).toContain("params: 148874");
    expect(readFileSync(join(packedProject!, "fig.pdf")).subarray(0, 5).toString()).toBe("%PDF-");
  });
});
