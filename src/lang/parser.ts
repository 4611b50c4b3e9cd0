import type {
  Arg,
  BlockParam,
  Element,
  Expr,
  FigureEntry,
  MergeElement,
  Ref,
  SourceFile,
  Statement,
} from "./ast.js";
import { DiagnosticBag, type SourceLocation } from "./diagnostics.js";
import { tokenize } from "./lexer.js";
import { describeToken, type Token, type TokenKind } from "./tokens.js";

/** Thrown inside the parser to abandon one statement; the parser then skips to the next line. */
class SyntaxProblem extends Error {}

/** Thrown when the input nests past MAX_NESTING: parsing stops there, with that one error. */
class NestingTooDeep extends Error {}

/**
 * How deep blocks, merges, parentheses, lists and signs may nest. The deepest real network
 * nests a handful of levels; the limit keeps the recursive descent far from the stack's end.
 */
export const MAX_NESTING = 200;

const MERGE_OPS = new Set(["concat", "add"]);

/** Parses `.netfig` text into an AST, reporting every syntax error at once (throws NetfigError). */
export function parse(text: string, file = "<input>"): SourceFile {
  const diagnostics = new DiagnosticBag();
  const tokens = tokenize(text, file, diagnostics);
  const parser = new Parser(tokens, diagnostics);
  let statements: Statement[] = [];
  try {
    statements = parser.statements("eof");
  } catch (error) {
    if (!(error instanceof NestingTooDeep)) throw error;
  }
  diagnostics.throwIfErrors();
  return { file, statements };
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly diagnostics: DiagnosticBag,
  ) {}

  private get token(): Token {
    return this.tokens[this.pos]!;
  }

  private peek(offset = 1): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!;
  }

  private at(kind: TokenKind, text?: string): boolean {
    return this.token.kind === kind && (text === undefined || this.token.text === text);
  }

  private advance(): Token {
    const token = this.token;
    if (token.kind !== "eof") this.pos++;
    return token;
  }

  private expect(kind: TokenKind, what: string, hint?: string): Token {
    if (this.token.kind !== kind) this.fail(`expected ${what}, found ${describeToken(this.token)}`, this.token.loc, hint);
    return this.advance();
  }

  private fail(message: string, loc: SourceLocation, hint?: string): never {
    this.diagnostics.error(message, loc, hint);
    throw new SyntaxProblem(message);
  }

  /** Runs one level of nesting, refusing to go past MAX_NESTING. */
  private nested<T>(parse: () => T): T {
    if (this.depth >= MAX_NESTING) {
      this.diagnostics.error(`nesting deeper than ${MAX_NESTING} levels`, this.token.loc, "no network nests this deep; look for an unclosed '{', '(' or '['");
      throw new NestingTooDeep();
    }
    this.depth++;
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  private skipNewlines(): void {
    while (this.at("newline")) this.advance();
  }

  /** Skips the rest of a broken statement, keeping braces balanced. */
  private recover(): void {
    let depth = 0;
    while (!this.at("eof")) {
      if (this.at("lbrace")) depth++;
      if (this.at("rbrace")) {
        if (depth === 0) return;
        depth--;
      }
      if (this.at("newline") && depth === 0) {
        this.advance();
        return;
      }
      this.advance();
    }
  }

  /** Statements up to (not including) a closing `}` or the end of the file. */
  statements(end: "eof" | "rbrace"): Statement[] {
    const result: Statement[] = [];
    this.skipNewlines();
    while (!this.at(end) && !this.at("eof")) {
      if (this.at("rbrace")) {
        this.diagnostics.error("unmatched '}'", this.token.loc, "remove it, or open a block before it");
        this.advance();
        this.skipNewlines();
        continue;
      }
      try {
        result.push(this.statement());
        if (!this.at("rbrace") && !this.at("eof")) this.expect("newline", "end of line", "put each layer or statement on its own line, or chain them with ->");
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.recover();
      }
      this.skipNewlines();
    }
    return result;
  }

  private block(): Statement[] {
    this.expect("lbrace", "'{'");
    const body = this.nested(() => this.statements("rbrace"));
    this.expect("rbrace", "'}'", "close the block with }");
    return body;
  }

  private statement(): Statement {
    const start = this.token;
    if (start.kind === "ident") {
      switch (start.text) {
        case "network": {
          this.advance();
          const name = this.nameOrString("a network name");
          return { type: "network", name, body: this.block(), loc: start.loc };
        }
        case "block":
          return this.blockDefinition();
        case "figure": {
          this.advance();
          return { type: "figure", entries: this.figureEntries(), loc: start.loc };
        }
        case "title":
        case "caption": {
          this.advance();
          const text = this.expect("string", `a quoted ${start.text}`, `write ${start.text} "…"`).text;
          return { type: start.text, text, loc: start.loc };
        }
        case "defaults": {
          this.advance();
          const op = this.expect("ident", "a layer kind", "write e.g. defaults conv bias=false");
          const { args } = this.arguments();
          return { type: "defaults", op: op.text, opLoc: op.loc, args, loc: start.loc };
        }
      }
    }
    let name: string | undefined;
    if (start.kind === "ident" && this.peek().kind === "colon") {
      name = start.text;
      this.advance();
      this.advance();
    }
    if (this.at("ident", "repeat")) {
      const loc = this.advance().loc;
      const count = this.expression();
      const body = this.at("lbrace") ? this.block() : [this.namedChain()];
      return { type: "repeat", name, count, body, loc: name ? start.loc : loc };
    }
    if (this.at("ident", "towers")) {
      const loc = this.advance().loc;
      const count = this.expression();
      return { type: "towers", name, count, body: this.block(), loc: name ? start.loc : loc };
    }
    if (this.at("lbrace")) {
      if (!name) this.fail("a group needs a name", this.token.loc, "write name: { … }");
      return { type: "group", name, body: this.block(), loc: start.loc };
    }
    return this.chain(name, start.loc);
  }

  private nameOrString(what: string): string {
    if (this.at("ident") || this.at("string")) return this.advance().text;
    this.fail(`expected ${what}, found ${describeToken(this.token)}`, this.token.loc);
  }

  private blockDefinition(): Statement {
    const loc = this.advance().loc;
    const name = this.expect("ident", "a block name", "write block name(params) { … }");
    const params: BlockParam[] = [];
    this.expect("lparen", "'(' after the block name", "write block name(params) { … }, or block name() { … }");
    while (!this.at("rparen")) {
      const param = this.expect("ident", "a parameter name");
      const entry: BlockParam = { name: param.text, loc: param.loc };
      if (this.at("equals")) {
        this.advance();
        entry.default = this.expression();
      }
      params.push(entry);
      if (!this.at("rparen")) this.expect("comma", "',' or ')'");
    }
    this.advance();
    return { type: "block", name: name.text, params, body: this.block(), loc };
  }

  private figureEntries(): FigureEntry[] {
    this.expect("lbrace", "'{' after figure");
    const entries: FigureEntry[] = [];
    this.skipNewlines();
    while (!this.at("rbrace") && !this.at("eof")) {
      try {
        const key = this.expect("ident", "a setting name", "write key: value, one per line");
        if (!this.at("colon") && !this.at("equals")) this.fail(`expected ':' after ${key.text}`, this.token.loc, `write ${key.text}: value`);
        this.advance();
        entries.push({ key: key.text, value: this.expression(), loc: key.loc });
        if (!this.at("rbrace")) this.expect("newline", "end of line");
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.recover();
      }
      this.skipNewlines();
    }
    this.expect("rbrace", "'}'");
    return entries;
  }

  /** A chain whose first element may carry a `name:`. */
  private namedChain(): Statement {
    const start = this.token;
    let name: string | undefined;
    if (start.kind === "ident" && this.peek().kind === "colon") {
      name = start.text;
      this.advance();
      this.advance();
    }
    return this.chain(name, start.loc);
  }

  private chain(name: string | undefined, loc: SourceLocation = this.token.loc): Statement {
    const elements: Element[] = [this.element(name)];
    while (this.at("arrow")) {
      this.advance();
      let elementName: string | undefined;
      if (this.at("ident") && this.peek().kind === "colon") {
        elementName = this.advance().text;
        this.advance();
      }
      elements.push(this.element(elementName));
    }
    return { type: "chain", elements, loc };
  }

  private element(name: string | undefined): Element {
    const head = this.token;
    if (head.kind !== "ident") {
      this.fail(`expected a layer, found ${describeToken(head)}`, head.loc, head.kind === "dims" || head.kind === "number" ? "a line starts with a layer kind, e.g. conv 64 3x3" : undefined);
    }
    this.advance();
    if (MERGE_OPS.has(head.text) && this.at("lbrace")) return this.nested(() => this.merge(head, name));
    if (this.at("lparen")) {
      this.advance();
      const args: Arg[] = [];
      while (!this.at("rparen")) {
        args.push(this.argument());
        if (!this.at("rparen")) this.expect("comma", "',' or ')' in the block call");
      }
      this.advance();
      const rest = this.arguments();
      if (rest.args.length > 0) this.fail("unexpected arguments after a block call", rest.args[0]!.loc, "put them inside the parentheses");
      return { type: "call", name, block: head.text, args, label: rest.label, from: rest.from, loc: head.loc };
    }
    const { args, label, from } = this.arguments();
    return { type: "layer", name, op: head.text, opLoc: head.loc, args, label, from, loc: head.loc };
  }

  private merge(head: Token, name: string | undefined): MergeElement {
    this.advance();
    const branches: Statement[][] = [];
    this.skipNewlines();
    while (!this.at("rbrace") && !this.at("eof")) {
      try {
        branches.push(this.at("lbrace") ? this.block() : [this.statement()]);
        if (!this.at("rbrace")) this.expect("newline", "end of line", "each branch of a merge goes on its own line");
      } catch (error) {
        if (!(error instanceof SyntaxProblem)) throw error;
        this.recover();
      }
      this.skipNewlines();
    }
    this.expect("rbrace", "'}'", `close ${head.text} with }`);
    let label: string | undefined;
    if (this.at("string")) label = this.advance().text;
    return { type: "merge", name, op: head.text as "concat" | "add", branches, label, loc: head.loc };
  }

  /** A layer's arguments up to `->`, the end of the line or a closing brace. */
  private arguments(): { args: Arg[]; label?: string; from?: Ref[] } {
    const args: Arg[] = [];
    let label: string | undefined;
    let from: Ref[] | undefined;
    while (!this.at("arrow") && !this.at("newline") && !this.at("rbrace") && !this.at("eof")) {
      if (this.at("string")) {
        const token = this.advance();
        if (label !== undefined) this.diagnostics.error("a layer has one label", token.loc, "join the lines with \\n");
        label = token.text;
        continue;
      }
      if (this.at("ident", "from")) {
        this.advance();
        from = [];
        do {
          if (this.at("comma")) this.advance();
          const ref = this.expect("ident", "a layer name after 'from'");
          from.push({ name: ref.text, loc: ref.loc });
        } while (this.at("comma"));
        continue;
      }
      if (this.at("lbrace")) this.fail(`unexpected '{'`, this.token.loc, "only concat, add, repeat, towers, groups and blocks open a '{'");
      args.push(this.argument());
    }
    return { args, label, from };
  }

  private argument(): Arg {
    const start = this.token;
    if (start.kind === "ident" && this.peek().kind === "equals") {
      this.advance();
      this.advance();
      return { key: start.text, value: this.expression(), loc: start.loc };
    }
    return { value: this.expression(), loc: start.loc };
  }

  /** `a + b + c` nests to the left as it is read, so each operator is one level of nesting. */
  expression(): Expr {
    let left = this.term();
    let operators = 0;
    while (this.at("plus") || this.at("minus")) {
      this.operatorLevel(++operators);
      const op = this.advance();
      const right = this.term();
      left = { type: "binary", op: op.text as "+" | "-", left, right, loc: left.loc };
    }
    return left;
  }

  private term(): Expr {
    let left = this.unary();
    let operators = 0;
    while (this.at("star") || this.at("slash") || this.at("percent")) {
      this.operatorLevel(++operators);
      const op = this.advance();
      const right = this.unary();
      left = { type: "binary", op: op.text as "*" | "/" | "%", left, right, loc: left.loc };
    }
    return left;
  }

  private operatorLevel(operators: number): void {
    if (this.depth + operators <= MAX_NESTING) return;
    this.diagnostics.error(`an expression nested deeper than ${MAX_NESTING} levels`, this.token.loc, "split the arithmetic, or give the value as one number");
    throw new NestingTooDeep();
  }

  private unary(): Expr {
    if (this.at("minus")) {
      const loc = this.advance().loc;
      return { type: "negate", operand: this.nested(() => this.unary()), loc };
    }
    return this.primary();
  }

  private primary(): Expr {
    const token = this.token;
    switch (token.kind) {
      case "number":
        this.advance();
        return { type: "number", value: token.value!, loc: token.loc };
      case "string":
        this.advance();
        return { type: "string", value: token.text, loc: token.loc };
      case "ident":
        this.advance();
        return { type: "name", name: token.text, loc: token.loc };
      case "dims": {
        this.advance();
        const dims: Expr[] = token.dims!.map((value) => ({ type: "number", value, loc: token.loc }));
        if (this.at("slash")) {
          this.advance();
          return { type: "dims", dims, stride: this.nested(() => this.primary()), loc: token.loc };
        }
        return { type: "dims", dims, loc: token.loc };
      }
      case "lbracket": {
        this.advance();
        const items: Expr[] = [];
        while (!this.at("rbracket")) {
          items.push(this.nested(() => this.expression()));
          if (!this.at("rbracket")) this.expect("comma", "',' or ']'", "separate the values of a list with commas: [1, 0, -1]");
        }
        this.advance();
        if (items.length === 0) this.fail("an empty list", token.loc, "a literal tensor needs at least one value");
        return { type: "list", items, loc: token.loc };
      }
      case "lparen": {
        this.advance();
        const inner = this.nested(() => this.expression());
        this.expect("rparen", "')'");
        return inner;
      }
      default:
        this.fail(`expected a value, found ${describeToken(token)}`, token.loc);
    }
  }
}

