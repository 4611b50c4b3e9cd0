import { describe, expect, it } from "vitest";
import { analyzeSource } from "../../src/pipeline.js";
import { NetfigError, type Diagnostic } from "../../src/lang/diagnostics.js";
import { MAX_NESTING } from "../../src/lang/parser.js";
import { DEFAULT_MAX_LAYERS, MAX_TOWERS } from "../../src/graph/budget.js";
import { MAX_TOKENS } from "../../src/lang/lexer.js";

/** The diagnostics of `text` and how long finding them took; fails when the text is valid. */
function refused(text: string): { diagnostics: Diagnostic[]; ms: number } {
  const start = performance.now();
  try {
    analyzeSource(text, "bomb.netfig");
  } catch (error) {
    if (!(error instanceof NetfigError)) throw error;
    return { diagnostics: error.diagnostics, ms: performance.now() - start };
  }
  throw new Error("expected the text to be refused");
}

/** Refused within a second, with one located error saying `message`. */
function expectRefused(text: string, message: RegExp, at?: { line: number; column: number }): Diagnostic {
  const { diagnostics, ms } = refused(text);
  expect(ms).toBeLessThan(1000);
  const errors = diagnostics.filter((d) => d.severity === "error");
  const found = errors.find((d) => message.test(d.message));
  expect(found, errors.map((d) => d.message).join("\n")).toBeDefined();
  expect(found!.location?.file).toBe("bomb.netfig");
  if (at) expect({ line: found!.location!.line, column: found!.location!.column }).toEqual(at);
  return found!;
}

describe("nesting never overflows the stack: it stops at a located error", () => {
  it("refuses `g: {` written 10,000 times at the first level past the limit", () => {
    expectRefused(`input 8x8x1\n${"g: {\n".repeat(10_000)}`, new RegExp(`nesting deeper than ${MAX_NESTING} levels`), { line: MAX_NESTING + 2, column: 5 });
  });

  it("says it once, not once per unclosed brace", () => {
    const { diagnostics } = refused(`input 8x8x1\n${"add {\n".repeat(5_000)}`);
    expect(diagnostics).toHaveLength(1);
  });

  it("refuses 10,000 parentheses, brackets and signs", () => {
    for (const open of ["(", "[", "-"]) expectRefused(`input 8x8x1\nconv ${open.repeat(10_000)}1\n`, /nesting deeper than/);
  });

  it("refuses an expression of 100,000 operators (it nests to the left as it is read)", () => {
    expectRefused(`input 8x8x1\nconv 1${"+1".repeat(100_000)} 3x3\n`, /expression nested deeper than/);
  });

  it("refuses a file of more than half a million tokens before parsing it", () => {
    expectRefused(`input 8x8x1\n${"relu -> ".repeat(MAX_TOKENS / 2)}relu\n`, /more than 500000 tokens/);
  });
});

describe("expansion budgets: refused before the work is done", () => {
  it("refuses `repeat 1e12` inside a block at the call", () => {
    expectRefused("input 8x8x1\nblock b() {\n  repeat 1e12 maxpool 2x2/2\n}\nb()\n", new RegExp(`more than ${DEFAULT_MAX_LAYERS} layers`), { line: 5, column: 1 });
  });

  it("refuses `repeat 1e12` at its count", () => {
    expectRefused("input 8x8x1\nrepeat 1e12 relu\n", /more than 100000 layers and blocks/, { line: 2, column: 8 });
  });

  it("multiplies nested repeats out before building any (1000 × 1000)", () => {
    expectRefused("input 8x8x1\nrepeat 1000 {\n  repeat 1000 {\n    relu\n  }\n}\n", /more than 100000 layers/, { line: 2, column: 8 });
  });

  it("refuses blocks that fan out (4^9 layers from ten lines)", () => {
    const blocks = Array.from({ length: 9 }, (_, i) => `block b${i + 1}() {\n  b${i}() -> b${i}() -> b${i}() -> b${i}()\n}`).join("\n");
    expectRefused(`input 8x8x1\nblock b0() {\n  relu\n}\n${blocks}\nb9()\n`, /more than 100000 layers/);
  });

  it("refuses a block that calls itself with fan-out, naming the cycle", () => {
    expectRefused("input 8x8x1\nblock a() {\n  a() -> a()\n}\na()\n", /block 'a' calls itself/, { line: 3, column: 3 });
    expectRefused("input 8x8x1\nblock a() {\n  b()\n}\nblock b() {\n  a()\n}\na()\n", /block 'a' calls itself \(a → b → a\)/);
  });

  it("refuses `towers 1e12` (it used to allocate an array of 10^12 lanes)", () => {
    expectRefused("input 8x8x1\ntowers 1e12 {\n  relu\n}\n", new RegExp(`towers count must be at most ${MAX_TOWERS}`), { line: 2, column: 8 });
  });

  it("lets a file raise the layer budget with figure { maxLayers: N }, and checks the value", () => {
    // Each repetition is a block instance and a layer: 2 × 60,000, past the default 100,000.
    const text = "input 8x8x1\nrepeat 60000 relu\n";
    expectRefused(text, /more than 100000 layers/);
    expect(analyzeSource(`figure {\n  maxLayers: 150000\n}\n${text}`, "big.netfig").networks[0]!.layers).toHaveLength(60_001);
    expectRefused("figure {\n  maxLayers: -3\n}\ninput 8x8x1\n", /maxLayers must be a whole number from 1 to 5000000/, { line: 2, column: 3 });
  }, 30_000);
});

describe("numbers are finite and in range when they are read", () => {
  it("refuses pad=1e308 (it passed check with 'InfinityT MACs')", () => {
    expectRefused("input 8x8x1\nconv 1 3x3 pad=1e308\n", /pad must be at most 2147483647, got 1e\+308/, { line: 2, column: 12 });
  });

  it("refuses a number too large to represent, and arithmetic that overflows", () => {
    expectRefused("input 8x8x1\nconv 1e999 3x3\n", /the number '1e999' is too large/, { line: 2, column: 6 });
    expectRefused("input 8x8x1\nconv 1e300*1e300 3x3\n", /'\*' gives a number too large/, { line: 2, column: 6 });
  });

  it("refuses an output too large to count (upsampling 65536× three times)", () => {
    expectRefused("input 8x8x1\nupsample 65536 -> upsample 65536 -> upsample 65536\n", /has a size of|more than 2\^50 elements/);
  });
});

describe("figure settings are checked at check, where they are written", () => {
  it("refuses `edges: sideways` with its line and column", () => {
    expectRefused("input 4\nfc 2\nfigure {\n  edges: sideways\n}\n", /figure: edges must be one of directed, undirected, not "sideways"/, { line: 4, column: 3 });
  });

  it("refuses a bad theme inside a network block too", () => {
    expectRefused("network n {\n  figure {\n    theme: neon\n  }\n  input 4\n}\n", /figure: theme must be one of/, { line: 3, column: 5 });
  });
});

describe("a shortcut outside add { } (found by the fuzz harness: `pRoj` crashed the analysis)", () => {
  it("is an error at the shortcut, saying where it belongs", () => {
    expectRefused("input 8x8x64\nconv 64 3x3 pad=1 -> pRoj -> relu\n", /'pRoj' is a residual shortcut: it starts a branch of add \{ \}/, { line: 2, column: 22 });
  });
});

describe("every cause is said once, at the right place", () => {
  it("reports an error inside a repeated block once, not once per repetition", () => {
    const { diagnostics } = refused("input 8x8x3\nblock b() {\n  conv 4 3x3 strde=2\n}\nrepeat 50 b()\n");
    expect(diagnostics.map((d) => d.message)).toEqual(["conv has no setting 'strde'"]);
  });

  it("keeps the column inside the line after a backslash at the end of a string", () => {
    const { diagnostics } = refused('input 4\nfc 2 "ab\\\nfc 3x\n');
    const next = diagnostics.find((d) => d.message.includes("cannot run into a word"));
    expect(diagnostics[0]!.location).toMatchObject({ line: 2, column: 6 });
    expect(next?.location).toMatchObject({ line: 3, column: 4 });
  });

  it("refuses a name of 40,000 characters, quoting only its start (messages quote names)", () => {
    const found = expectRefused(`input 8x8x1\n${"x3".repeat(20_000)} 3\n`, /a name of 40000 characters \(at most 256\)/, { line: 2, column: 1 });
    expect(found.message.length).toBeLessThan(100);
  });

  it("quotes at most 40 characters of a megabyte string given where a number belongs", () => {
    const { diagnostics } = refused(`input 8x8x1\nconv "${"a".repeat(1_000_000)}" 3x3\n`);
    expect(diagnostics.every((d) => d.message.length < 200)).toBe(true);
  });

  it("reports a run of stray bytes (NUL, binary junk) as one error", () => {
    const { diagnostics } = refused(`input 8x8x1\nrelu ${"\u0000".repeat(1000)}\n`);
    expect(diagnostics.map((d) => d.message)).toEqual(["unexpected characters U+0000… (1000)"]);
  });
});
