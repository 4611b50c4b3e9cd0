import { describe, expect, it } from "vitest";
import { ops } from "../../src/ops/index.js";
import { analyzeSource } from "../../src/pipeline.js";
import { readProjectFile } from "../helpers/netfig.js";

// The language reference's examples must stay valid netfig.
describe("docs/language.md", () => {
  const blocks = [...readProjectFile("docs/language.md").matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const examples = blocks.filter((b) => !b.includes("error:"));

  it("has examples", () => {
    expect(examples.length).toBeGreaterThanOrEqual(8);
  });

  it.each(examples.map((text, i) => [i, text] as const))("example %i checks", (_i, text) => {
    expect(() => analyzeSource(text, "example.netfig")).not.toThrow();
  });

  it.each(ops.map((op) => [op.name, op] as const))("documents the layer kind %s (by name, or by the shortcut word that makes it)", (_name, op) => {
    const text = readProjectFile("docs/language.md");
    const written = [op.name, ...(op.shortcutHeads ?? [])];
    expect(written.some((word) => new RegExp("`" + word + "[ `]").test(text))).toBe(true);
  });
});
