/** What the preview page prints that came from outside: file names and the command line. */
import { describe, expect, it } from "vitest";
import { pageHtml } from "../../src/serve/page.js";
import { commandLine } from "../../src/serve/preview.js";

describe("the preview page", () => {
  it("escapes the file name wherever it prints it", () => {
    const html = pageHtml(`<script>alert("x")</script>.netfig`, ["paper"], "");
    expect(html).toContain("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;.netfig — netfig</title>");
    expect(html.match(/<script/g)).toHaveLength(1); // the page's own
  });

  it("shows the command that makes the same figure, quoted for a shell", () => {
    expect(commandLine("net.netfig", {})).toBe("netfig render net.netfig -o net.svg");
    expect(commandLine("my net's.netfig", { theme: "mono", direction: "down", width: "85mm" }, "generator")).toBe(
      `netfig render 'my net'\\''s.netfig' --theme mono --direction down --width 85mm --network generator -o 'my net'\\''s.svg'`,
    );
  });
});
