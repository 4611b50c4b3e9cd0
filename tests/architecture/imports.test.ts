import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "../helpers/netfig.js";

/**
 * The stages of src/, earliest first; the one place the allowed direction is written down
 * (docs/architecture.md explains it). A module may import its own folder and earlier ones,
 * never a later one. `src/index.ts` and `src/pipeline.ts` are the library's façade and may
 * import anything; `src/types/` holds ambient declarations and counts as the bottom.
 */
const STAGES = [
  "types",
  "geometry",
  "image",
  "options",
  "text",
  "lang",
  "engine",
  "ops",
  "themes",
  "graph",
  "builder",
  "import",
  "analyze",
  "execute",
  "load",
  "layout",
  "scene",
  "styles",
  "fit",
  "render",
  "export",
  "api",
  "serve",
  "cli",
] as const;

/** Files at the top of src/ that may import every stage (nothing in a stage may import them). */
const FACADE = new Set(["index.ts", "pipeline.ts"]);

const SRC = join(root, "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** The text with comments blanked out (strings and template literals kept), so commented-out imports do not count. */
function withoutComments(text: string): string {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1];
    if (c === "/" && next === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (c === "/" && next === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/** Every module specifier a file names: static imports and re-exports (`import type` too), side-effect imports and `import()`. */
export function specifiers(text: string): string[] {
  const code = withoutComments(text);
  const patterns = [
    /\b(?:import|export)\s[^"'`;]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
    /\bimport\s*(["'])([^"'\n]+)\1/g,
    /\bimport\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...code.matchAll(pattern)].map((m) => m[2]!));
}

/** The source file a relative specifier names (`./x.js` → `x.ts`, a folder → its index.ts). */
function resolveImport(from: string, specifier: string): string | undefined {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, ".ts"), base.replace(/\.js$/, ".d.ts"), base, `${base}.ts`, join(base, "index.ts")];
  return candidates.find((c) => c.endsWith(".ts") && existsSync(c) && statSync(c).isFile());
}

/** The stage a file under src/ belongs to: its top folder, or "facade" for the files at the top. */
function stageOf(file: string): string {
  const path = relative(SRC, file).split("/");
  return path.length === 1 ? "facade" : path[0]!;
}

const rank = (stage: string): number => (STAGES as readonly string[]).indexOf(stage);

describe("the import graph of src/", () => {
  const files = sourceFiles(SRC);
  const edges = files.flatMap((file) =>
    specifiers(readFileSync(file, "utf8"))
      .filter((s) => s.startsWith("."))
      .map((s) => ({ file, specifier: s, target: resolveImport(file, s) })),
  );
  const show = (file: string) => relative(root, file);

  it("sees the imports of every kind", () => {
    expect(specifiers(`import type { A } from "./a.js";\nexport { b } from "./b.js";\nimport "./c.js";\nconst d = await import("./d.js");\ntype E = import("./e.js").E;\n// import { f } from "./f.js";\nimport {\n  g,\n} from "./g.js";`)).toEqual(
      ["./a.js", "./b.js", "./g.js", "./c.js", "./d.js", "./e.js"],
    );
    expect(edges.length).toBeGreaterThan(100);
  });

  it("every stage of src/ is in the order", () => {
    const unknown = [...new Set(files.map(stageOf))].filter((s) => s !== "facade" && rank(s) < 0);
    expect(unknown, "folders missing from STAGES in tests/architecture/imports.test.ts").toEqual([]);
  });

  it("the top of src/ holds only the façade", () => {
    const top = files.filter((f) => stageOf(f) === "facade").map((f) => relative(SRC, f));
    expect(top.filter((f) => !FACADE.has(f)), "put the module in a stage folder").toEqual([]);
  });

  it("every relative import names a file", () => {
    const dangling = edges.filter((e) => e.target === undefined && !e.specifier.includes("/assets/") && !e.specifier.endsWith(".json"));
    expect(dangling.map((e) => `${show(e.file)} -> ${e.specifier}`)).toEqual([]);
  });

  it("no module imports a later stage", () => {
    const offending = edges
      .filter((e) => e.target !== undefined && e.target.startsWith(SRC + "/"))
      .filter((e) => {
        const from = stageOf(e.file);
        const to = stageOf(e.target!);
        if (from === "facade") return false;
        if (to === "facade") return true;
        return rank(to) > rank(from);
      })
      .map((e) => `${show(e.file)} (${stageOf(e.file)}) -> ${show(e.target!)} (${stageOf(e.target!)})`);
    if (offending.length > 0) console.error(`imports of a later stage (order: ${STAGES.join(" < ")}):\n  ${offending.join("\n  ")}`);
    expect(offending, `the order is ${STAGES.join(" < ")}`).toEqual([]);
  });
});
