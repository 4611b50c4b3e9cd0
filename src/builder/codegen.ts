/**
 * A parsed `.netfig` file written as builder code: the TypeScript a person would write
 * for the same network (`scripts/builder-templates.mjs` writes every template this way,
 * and tests hold the builder versions to the text's numbers and figures).
 */

import type { Arg, BlockDefinition, Element, Expr, SourceFile, Statement } from "../lang/ast.js";

export interface CodeOptions {
  /** Where the builder is imported from (`netfig/builder` in a project). */
  importFrom: string;
  /** The model's name (`model(…, { name })`), as the file's name names its network. */
  name: string;
  /** A first comment line. */
  header?: string;
}

const WORD = /^[A-Za-z_][\w.]*$/;
const SHAPE = /^\d+(?:x\d+)*(?:\/\d+)?$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED = new Set(["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "let", "static", "implements", "interface", "package", "private", "protected", "public", "await"]);
const METHODS = { "+": "plus", "-": "minus", "*": "times", "/": "div", "%": "mod" } as const;
const BUILDER_NAMES = new Set(["layers", "layer", "chain", "concat", "add", "block", "repeat", "towers", "group", "title", "caption", "defaults", "figure", "network", "model", "required", "dims", "text", "value"]);

function unsupported(what: string): never {
  throw new Error(`builderCode: ${what} has no builder form`);
}

class Writer {
  readonly used = new Set<string>();
  readonly ops = new Set<string>();
  constructor(
    private readonly blockNames: Set<string>,
    private readonly reserved: Set<string>,
  ) {}

  private use(name: string): string {
    this.used.add(name);
    return name;
  }

  expr(e: Expr, params: ReadonlySet<string>): string {
    switch (e.type) {
      case "number":
        return String(e.value);
      case "name":
        if (params.has(e.name)) return e.name;
        return e.name === "true" || e.name === "false" ? e.name : JSON.stringify(e.name);
      case "string":
        return WORD.test(e.value) || SHAPE.test(e.value) ? `${this.use("text")}(${JSON.stringify(e.value)})` : JSON.stringify(e.value);
      case "dims": {
        const numbers = e.dims.every((d) => d.type === "number") && (!e.stride || e.stride.type === "number");
        if (numbers) {
          const sizes = e.dims.map((d) => (d as { value: number }).value).join("x");
          return JSON.stringify(e.stride ? `${sizes}/${(e.stride as { value: number }).value}` : sizes);
        }
        const base = `${this.use("dims")}(${e.dims.map((d) => this.expr(d, params)).join(", ")})`;
        return e.stride ? `${base}.stride(${this.expr(e.stride, params)})` : base;
      }
      case "binary":
        return `${this.arith(e.left, params)}.${METHODS[e.op]}(${this.expr(e.right, params)})`;
      case "negate":
        return e.operand.type === "number" ? String(-e.operand.value) : `${this.arith(e.operand, params)}.negate()`;
      case "list":
        return `[${e.items.map((item) => this.expr(item, params)).join(", ")}]`;
    }
  }

  /** An expression arithmetic can start from: a parameter or arithmetic, else `value(…)`. */
  private arith(e: Expr, params: ReadonlySet<string>): string {
    const code = this.expr(e, params);
    return (e.type === "name" && params.has(e.name)) || e.type === "binary" || (e.type === "negate" && e.operand.type !== "number") ? code : `${this.use("value")}(${code})`;
  }

  args(args: Arg[], params: ReadonlySet<string>): string {
    const positional = args.filter((a) => a.key === undefined).map((a) => this.expr(a.value, params));
    const keyed = args.filter((a) => a.key !== undefined).map((a) => `${IDENTIFIER.test(a.key!) ? a.key : JSON.stringify(a.key)}: ${this.expr(a.value, params)}`);
    if (keyed.length > 0) positional.push(`{ ${keyed.join(", ")} }`);
    return positional.join(", ");
  }

  /** `conv(args)` through `const { conv } = layers`, or `layer("kind", args)` where the name is taken. */
  private layerCall(op: string, args: string): string {
    if (IDENTIFIER.test(op) && !RESERVED.has(op) && !BUILDER_NAMES.has(op) && !this.blockNames.has(op) && !this.reserved.has(op)) {
      this.ops.add(op);
      return `${op}(${args})`;
    }
    return `${this.use("layer")}(${[JSON.stringify(op), ...(args ? [args] : [])].join(", ")})`;
  }

  element(e: Element, params: ReadonlySet<string>, indent: string): string {
    let code: string;
    if (e.type === "layer") {
      const args = this.args(e.args, params);
      if (e.op === "concat" || e.op === "add") code = `${this.use(e.op)}(${args})`;
      else code = this.layerCall(e.op, args);
    } else if (e.type === "call") {
      code = `${e.block}(${this.args(e.args, params)})`;
    } else {
      const inner = indent + "  ";
      const branches = e.branches.map((branch) => inner + (branch.length === 1 ? this.line(branch[0]!, params, inner) : this.lines(branch, params, inner)));
      code = `${this.use(e.op)}(\n${branches.join(",\n")},\n${indent})`;
    }
    if (e.name !== undefined) code += `.as(${JSON.stringify(e.name)})`;
    if (e.label !== undefined) code += `.label(${JSON.stringify(e.label)})`;
    if (e.type !== "merge" && e.from) code += `.from(${e.from.map((r) => JSON.stringify(r.name)).join(", ")})`;
    return code;
  }

  /** A bracketed list of lines, one per line. */
  lines(statements: Statement[], params: ReadonlySet<string>, indent: string): string {
    const inner = indent + "  ";
    return `[\n${statements.map((s) => inner + this.line(s, params, inner) + ",\n").join("")}${indent}]`;
  }

  private body(statements: Statement[], params: ReadonlySet<string>, indent: string): string {
    return statements.length === 1 ? this.line(statements[0]!, params, indent) : this.lines(statements, params, indent);
  }

  line(s: Statement, params: ReadonlySet<string>, indent: string): string {
    const named = (code: string, name?: string): string => (name === undefined ? code : `${code}.as(${JSON.stringify(name)})`);
    switch (s.type) {
      case "chain":
        if (s.elements.length === 1) return this.element(s.elements[0]!, params, indent);
      {
        const elements = s.elements.map((e) => this.element(e, params, indent + "  "));
        if (elements.join(", ").length + indent.length <= 100 && !elements.some((e) => e.includes("\n"))) return `${this.use("chain")}(${elements.join(", ")})`;
        return `${this.use("chain")}(\n${elements.map((e) => `${indent}  ${e},\n`).join("")}${indent})`;
      }
      case "repeat":
        return named(`${this.use("repeat")}(${this.expr(s.count, params)}, ${this.body(s.body, params, indent)})`, s.name);
      case "towers":
        return named(`${this.use("towers")}(${this.expr(s.count, params)}, ${this.lines(s.body, params, indent)})`, s.name);
      case "group":
        return `${this.use("group")}(${JSON.stringify(s.name)}, ${this.lines(s.body, params, indent)})`;
      case "title":
      case "caption":
        return `${this.use(s.type)}(${JSON.stringify(s.text)})`;
      case "defaults":
        if (s.args.some((a) => a.key === undefined)) unsupported("defaults with a positional value");
        return `${this.use("defaults")}(${JSON.stringify(s.op)}, ${this.args(s.args, params)})`;
      case "figure":
        return `${this.use("figure")}({ ${s.entries.map((entry) => `${entry.key}: ${this.expr(entry.value, params)}`).join(", ")} })`;
      case "network":
        return `${this.use("network")}(${JSON.stringify(s.name)}, ${this.lines(s.body.filter((b) => b.type !== "block"), params, indent)})`;
      case "block":
        return unsupported("a block defined inside a block");
    }
  }

  blockDefinition(b: BlockDefinition): string {
    const params = new Set(b.params.map((p) => p.name));
    const earlier = new Set<string>();
    const entries = b.params.map((p) => {
      let entry: string;
      if (!p.default) entry = `${p.name}: ${this.use("required")}`;
      else if (usesParams(p.default, params)) entry = `${p.name}: ({ ${[...earlier].join(", ")} }) => ${this.expr(p.default, earlier)}`;
      else entry = `${p.name}: ${this.expr(p.default, new Set())}`;
      earlier.add(p.name);
      return entry;
    });
    const destructured = b.params.length === 0 ? "()" : `({ ${[...params].join(", ")} })`;
    return `const ${b.name} = ${this.use("block")}(${JSON.stringify(b.name)}, ${entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`}, ${destructured} => ${this.body(b.body, params, "")});`;
  }
}

function usesParams(e: Expr, params: ReadonlySet<string>): boolean {
  switch (e.type) {
    case "name":
      return params.has(e.name);
    case "binary":
      return usesParams(e.left, params) || usesParams(e.right, params);
    case "negate":
      return usesParams(e.operand, params);
    case "dims":
      return e.dims.some((d) => usesParams(d, params)) || (e.stride !== undefined && usesParams(e.stride, params));
    case "list":
      return e.items.some((i) => usesParams(i, params));
    default:
      return false;
  }
}

/** Every block definition of the file, wherever it is written (the builder puts each where it is called). */
function blocksOf(statements: Statement[]): BlockDefinition[] {
  return statements.flatMap((s) => (s.type === "block" ? [s] : s.type === "network" ? blocksOf(s.body) : []));
}

/** The builder code of `source`: blocks as constants, then the model. */
export function builderCode(source: SourceFile, options: CodeOptions): string {
  const blocks = blocksOf(source.statements);
  const params = new Set(blocks.flatMap((b) => b.params.map((p) => p.name)));
  for (const b of blocks) if (!IDENTIFIER.test(b.name) || RESERVED.has(b.name) || BUILDER_NAMES.has(b.name)) unsupported(`the block name ${b.name}`);
  const writer = new Writer(new Set(blocks.map((b) => b.name)), params);
  const definitions = blocks.map((b) => writer.blockDefinition(b));
  const body = writer.lines(source.statements.filter((s) => s.type !== "block"), new Set(), "");
  writer.used.add("model");
  if (writer.ops.size > 0) writer.used.add("layers");
  const imports = [...writer.used].sort();
  const out: string[] = [];
  if (options.header) out.push(`// ${options.header}`);
  out.push(`import { ${imports.join(", ")} } from ${JSON.stringify(options.importFrom)};`, "");
  if (writer.ops.size > 0) out.push(`const { ${[...writer.ops].join(", ")} } = layers;`, "");
  for (const d of definitions) out.push(d, "");
  out.push(`export default model(${body}, { name: ${JSON.stringify(options.name)} });`, "");
  return out.join("\n");
}
