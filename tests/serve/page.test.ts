/** What the preview page prints that came from outside: file names and the command line. */
import { describe, expect, it } from "vitest";
import { pageHtml } from "../../src/serve/page.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { commandLine, preview } from "../../src/serve/preview.js";
import { root } from "../helpers/netfig.js";

describe("the preview page", () => {
  it("escapes the file name wherever it prints it", () => {
    const html = pageHtml(`<script>alert("x")</script>.netfig`, ["paper"], "");
    expect(html).toContain("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.netfig — netfig</title>");
    expect(html.match(/<script/g)).toHaveLength(1); // the page's own
  });

  it("has a script that parses", () => {
    const script = /<script type="module">([\s\S]*)<\/script>/.exec(pageHtml("net.netfig", ["paper"], ""))![1]!;
    expect(() => new Function(script)).not.toThrow();
  });

  it("shows the command that makes the same figure, quoted for a shell", () => {
    expect(commandLine("net.netfig", {})).toBe("netfig render net.netfig -o net.svg");
    expect(commandLine("my net's.netfig", { network: "generator", theme: "mono", direction: "down", width: "85mm" })).toBe(
      `netfig render 'my net'\\''s.netfig' --network generator --theme mono --direction down --width 85mm -o 'my net'\\''s.svg'`,
    );
  });
});

describe("the preview of a file of several networks", () => {
  it("lists them, draws the one picked, with its blocks' rows and the command that draws it", async () => {
    const text = readFileSync(join(root, "templates/gan.netfig"), "utf8");
    const shown = await preview({ kind: "text", name: "gan.netfig", text }, "gan.netfig", { network: "discriminator" });
    expect(shown).toMatchObject({ ok: true, networks: ["generator", "discriminator"], network: "discriminator", command: "netfig render gan.netfig --network discriminator -o gan.svg" });
    if (!shown.ok) return;
    expect(shown.svg).toContain("<title>Discriminator D(x, y)</title>");
    // The discriminator's first conv: 4×4 over 3 + 10 channels (image and label maps) to 64, no bias (the DCGAN tutorial).
    expect(Object.values(shown.rows).map((r) => r.params)).toContain("13,312");
  });
});
