import { basename, extname } from "node:path";
import type {
  BlockDefinition,
  CallElement,
  ChainStatement,
  Element,
  LayerElement,
  MergeElement,
  Ref,
  SourceFile,
  Statement,
} from "../lang/ast.js";
import { DiagnosticBag, isNetfigError, type SourceLocation } from "../lang/diagnostics.js";
import { didYouMean } from "../lang/suggest.js";
import { findOp, getOp, opNames, ops } from "../ops/index.js";
import { formatShape } from "../ops/shape.js";
import { ArgError, type OpArgs } from "../ops/types.js";
import { BudgetExceeded, ExpansionBudget, layerBudget, MAX_EXPANDED_NESTING, MAX_LAYERS_CEILING, MAX_LAYERS_SETTING, MAX_TOWERS } from "./budget.js";
import { THEME_NAMES } from "../themes/index.js";
import { figureOverrides } from "./figure-settings.js";
import { evaluate, evaluateArgs, EvalError, type Binding } from "./evaluate.js";
import { literalFits } from "./literal.js";
import { lastNamedPart } from "./scoped-name.js";
import type { AttrValue, FigureSettings, Frame, Graph, LayerNode, Network } from "./types.js";

/** Branch heads that make a residual shortcut inside `add { }`: the identity `shortcut`, and each shortcut op's words (`OpDef.shortcutHeads`). */
const IDENTITY_SHORTCUT = "shortcut";
const SHORTCUT_OPS = new Map(ops.flatMap((op) => (op.shortcutHeads ?? []).map((head) => [head, op.name] as const)));
const SHORTCUT_OP_NAMES = new Set(SHORTCUT_OPS.values());

/** What a statement is compiled in: name prefix, frames, parameters, defaults. */
interface Scope {
  prefix: string;
  frames: string[];
  bindings: Map<string, Binding>;
  defaults: Map<string, LayerElement["args"]>;
  blocks: Map<string, BlockDefinition>;
  /** Groups and repeats number their unnamed block calls 0, 1, 2 … as PyTorch's Sequential does. */
  sequence?: { next: number };
  tower?: { index: number; count: number };
  /** Inside a block call written `shares=OTHER`: ids under `from` reuse the parameters of those under `to`. */
  share?: { from: string; to: string };
  /** The blocks being expanded, outermost first: a block already here calling itself would never end. */
  calls: string[];
  /** Bodies nested around this one, block calls expanded. */
  nesting: number;
}

/** The outputs a statement leaves for the next one to read (several after `towers`). */
type Cursor = string[];

class NetworkBuilder {
  readonly nodes: LayerNode[] = [];
  readonly frames: Frame[] = [];
  readonly ids = new Set<string>();
  private readonly autoNamed = new Set<string>();
  private readonly counters = new Map<string, number>();
  /** Tower base name → the lanes' node ids. */
  readonly towerBases = new Map<string, string[]>();
  /** Block instance, group or repeat id → its output, so `from inception_4a` reads the block. */
  readonly frameOutputs = new Map<string, string[]>();
  title?: string;
  caption?: string;
  readonly figure: FigureSettings = {};

  constructor(
    readonly diagnostics: DiagnosticBag,
    readonly budget: ExpansionBudget,
  ) {}

  /** A fresh name `kind_N`; `bare` (an input layer) takes plain `kind` while it is free. */
  autoName(prefix: string, kind: string, bare = false): string {
    // A network's only input reads best as plain `input`.
    if (bare && !this.ids.has(`${prefix}${kind}`) && !this.counters.has(`${prefix}${kind}`)) {
      this.counters.set(`${prefix}${kind}`, 1);
      this.autoNamed.add(`${prefix}${kind}`);
      return kind;
    }
    for (;;) {
      const key = `${prefix}${kind}`;
      const n = (this.counters.get(key) ?? 0) + 1;
      this.counters.set(key, n);
      const name = `${kind}_${n}`;
      if (!this.ids.has(prefix + name)) {
        this.autoNamed.add(prefix + name);
        return name;
      }
    }
  }

  /** Takes `id` for a layer written as `written` at `loc`; a second claim is an error, said once per line however often a block repeats it. */
  claim(id: string, written: string, loc: SourceLocation): boolean {
    if (this.ids.has(id)) {
      const hint = this.autoNamed.has(id) ? `an unnamed layer above was named ${id} automatically; pick another name` : id === written ? "every layer name must be unique" : `every layer name must be unique; this one is ${id}`;
      this.diagnostics.error(`duplicate name '${written}'`, loc, hint);
      return false;
    }
    this.ids.add(id);
    return true;
  }

  addFrame(frame: Frame): void {
    this.budget.spend(frame.loc);
    this.frames.push(frame);
  }

  addNode(node: LayerNode): void {
    this.budget.spend(node.loc);
    this.nodes.push(node);
  }
}

/**
 * Stands in for a layer that failed to compile, so the layers after it are skipped by
 * the analysis instead of being checked against the wrong input.
 */
export const POISONED = "\u0000error";

/** Compiles a parsed file into the layer graph: blocks, repeats and towers expanded. */
export function compile(source: SourceFile): Graph {
  const diagnostics = new DiagnosticBag();
  const graph = compileInto(source, diagnostics);
  diagnostics.throwIfErrors();
  return graph;
}

/**
 * Compiles as far as possible, collecting problems in `diagnostics`; layers that failed
 * leave POISONED inputs behind them, so the analysis can still check the rest.
 */
export function compileInto(source: SourceFile, diagnostics: DiagnosticBag): Graph {
  const globalBlocks = collectBlocks(source.statements, new Map(), diagnostics);
  const maxLayers = readLayerBudget(source.statements, diagnostics);
  const graphFigure: FigureSettings = {};
  const networks: Network[] = [];
  const loose: Statement[] = [];
  for (const statement of source.statements) {
    if (statement.type === "network") {
      networks.push(compileNetwork(statement.name, statement.body, statement.loc, globalBlocks, maxLayers, diagnostics));
    } else if (statement.type === "figure") {
      readFigure(statement.entries, graphFigure, diagnostics);
    } else if (statement.type !== "block") {
      loose.push(statement);
    }
  }
  const hasLayers = loose.some((s) => s.type !== "title" && s.type !== "caption" && s.type !== "defaults");
  if (hasLayers) {
    const title = loose.find((s) => s.type === "title");
    const name = title?.type === "title" ? title.text : basename(source.file, extname(source.file)) || "network";
    const loc: SourceLocation = loose[0]!.loc;
    networks.unshift(compileNetwork(name, loose, loc, globalBlocks, maxLayers, diagnostics));
  } else {
    for (const statement of loose) {
      if (statement.type === "title" || statement.type === "caption") graphFigure[statement.type] = statement.text;
    }
  }
  if (networks.length === 0 && !diagnostics.hasErrors) {
    diagnostics.error("the file describes no network", { file: source.file, line: 1, column: 1, length: 1 }, "start with an input line, e.g. input 224x224x3");
  }
  const seen = new Set<string>();
  for (const network of networks) {
    if (seen.has(network.name)) diagnostics.error(`two networks are named '${network.name}'`, network.loc, "give each network its own name");
    seen.add(network.name);
  }
  return { file: source.file, networks, figure: graphFigure };
}

/** The file's `figure { maxLayers: N }`, read before anything expands so that it can raise the budget. */
function readLayerBudget(statements: Statement[], diagnostics: DiagnosticBag): number {
  let budget = layerBudget({});
  for (const statement of statements) {
    if (statement.type !== "figure") continue;
    for (const entry of statement.entries) {
      if (entry.key !== MAX_LAYERS_SETTING) continue;
      try {
        const value = evaluate(entry.value, new Map());
        const read = layerBudget({ [MAX_LAYERS_SETTING]: value.kind === "number" ? value.value : describeValue(value) });
        if (typeof read === "string") diagnostics.error(read, entry.loc);
        else budget = read;
      } catch (error) {
        if (!(error instanceof EvalError)) throw error;
        diagnostics.error(error.message, error.loc, error.hint);
      }
    }
  }
  return typeof budget === "number" ? budget : 0;
}

function describeValue(value: ReturnType<typeof evaluate>): string {
  return value.kind === "dims" ? value.dims.join("x") : value.kind === "tensor" ? "a list" : String(value.value);
}

function collectBlocks(statements: Statement[], outer: Map<string, BlockDefinition>, diagnostics: DiagnosticBag): Map<string, BlockDefinition> {
  // A body without definitions shares its scope's map: a repeat of 100,000 bodies copies nothing.
  if (!statements.some((s) => s.type === "block")) return outer;
  const blocks = new Map(outer);
  for (const statement of statements) {
    if (statement.type !== "block") continue;
    if (blocks.has(statement.name) && !outer.has(statement.name)) {
      diagnostics.error(`block '${statement.name}' is defined twice`, statement.loc);
    }
    if (findOp(statement.name)) {
      diagnostics.error(`block '${statement.name}' has the name of a layer kind`, statement.loc, "rename the block");
    }
    blocks.set(statement.name, statement);
  }
  return blocks;
}

function readFigure(entries: { key: string; value: import("../lang/ast.js").Expr; loc: SourceLocation }[], into: FigureSettings, diagnostics: DiagnosticBag): void {
  for (const entry of entries) {
    try {
      const value = evaluate(entry.value, new Map());
      let setting: AttrValue;
      if (value.kind === "dims") setting = value.dims;
      else if (value.kind === "tensor") setting = value.data;
      else if (value.kind === "word" && (value.value === "true" || value.value === "false")) setting = value.value === "true";
      else setting = value.value;
      // Checked here, where the entry's place is known, so that `check` finds a bad setting before a render does.
      figureOverrides({ [entry.key]: setting }, THEME_NAMES);
      into[entry.key] = setting;
    } catch (error) {
      if (error instanceof EvalError) diagnostics.error(error.message, error.loc, error.hint);
      else if (isNetfigError(error)) for (const d of error.diagnostics) diagnostics.error(d.message, entry.loc, d.hint);
      else throw error;
    }
  }
}

function compileNetwork(
  name: string,
  body: Statement[],
  loc: SourceLocation,
  globalBlocks: Map<string, BlockDefinition>,
  maxLayers: number,
  diagnostics: DiagnosticBag,
): Network {
  const builder = new NetworkBuilder(diagnostics, new ExpansionBudget(maxLayers));
  const scope: Scope = {
    prefix: "",
    frames: [],
    bindings: new Map(),
    defaults: new Map(),
    blocks: collectBlocks(body, globalBlocks, diagnostics),
    calls: [],
    nesting: 0,
  };
  try {
    compileBody(body, [], scope, builder);
  } catch (error) {
    if (!(error instanceof BudgetExceeded)) throw error;
    // What was built stays for the analysis to check, but nothing past the limit is.
    diagnostics.error(error.message, error.loc, error.hint);
    return { name, nodes: [], frames: [], figure: builder.figure, loc };
  }
  if (builder.nodes.length > 0 && !builder.nodes.some((n) => getOp(n.op).category === "input")) {
    diagnostics.error(`network '${name}' has no input`, loc, "start it with an input line, e.g. input 224x224x3");
  }
  return {
    name,
    title: builder.title,
    caption: builder.caption,
    nodes: builder.nodes,
    frames: builder.frames,
    figure: builder.figure,
    loc,
  };
}

function compileBody(statements: Statement[], cursor: Cursor, outer: Scope, builder: NetworkBuilder): Cursor {
  if (outer.nesting >= MAX_EXPANDED_NESTING) {
    const loc = statements[0]?.loc;
    if (loc) builder.diagnostics.error(`nesting deeper than ${MAX_EXPANDED_NESTING} levels once blocks are expanded`, loc, "no network nests this deep; look for blocks that call each other in a long chain");
    return [POISONED];
  }
  // `defaults` apply to the rest of this body only, so the scope is copied.
  const defaults = statements.some((s) => s.type === "defaults") ? new Map(outer.defaults) : outer.defaults;
  const scope: Scope = { ...outer, nesting: outer.nesting + 1, defaults, blocks: collectBlocks(statements, outer.blocks, builder.diagnostics) };
  for (const statement of statements) {
    cursor = compileStatement(statement, cursor, scope, builder);
  }
  return cursor;
}

function compileStatement(statement: Statement, cursor: Cursor, scope: Scope, builder: NetworkBuilder): Cursor {
  const diagnostics = builder.diagnostics;
  switch (statement.type) {
    case "chain":
      return compileChain(statement, cursor, scope, builder);
    case "title":
    case "caption":
      if (scope.calls.length > 0 || scope.prefix !== "") diagnostics.error(`${statement.type} belongs at the top of a network`, statement.loc);
      else builder[statement.type] = statement.text;
      return cursor;
    case "figure":
      readFigure(statement.entries, builder.figure, diagnostics);
      return cursor;
    case "defaults": {
      const op = findOp(statement.op);
      if (!op) {
        diagnostics.error(`unknown layer kind '${statement.op}'`, statement.opLoc, didYouMean(statement.op, opNames()));
        return cursor;
      }
      if (statement.args.some((a) => a.key === undefined)) {
        diagnostics.error("defaults take key=value settings only", statement.loc, `write e.g. defaults ${statement.op} bias=false`);
        return cursor;
      }
      scope.defaults.set(op.name, [...(scope.defaults.get(op.name) ?? []), ...statement.args]);
      return cursor;
    }
    case "block":
      return cursor;
    case "network":
      diagnostics.error("a network cannot be defined inside another", statement.loc, "move it to the top level of the file");
      return cursor;
    case "group": {
      const id = scope.prefix + statement.name;
      builder.addFrame({ id, kind: "group", label: statement.name, parent: scope.frames.at(-1), loc: statement.loc });
      const inner: Scope = { ...scope, prefix: `${id}.`, frames: [...scope.frames, id], sequence: { next: 0 } };
      const output = compileBody(statement.body, cursor, inner, builder);
      builder.frameOutputs.set(id, output);
      soleInstanceByItsBlock(builder.frames, id);
      return output;
    }
    case "repeat":
      return compileRepeat(statement, cursor, scope, builder);
    case "towers":
      return compileTowers(statement, cursor, scope, builder);
  }
}

/** An instance's frame naming: its name, and its block where the name does not already say it (`fire2`, `inception_3a`). */
function instanceNaming(label: string, block: string): Pick<Frame, "label" | "block"> {
  return label.startsWith(block) ? { label } : { label, block };
}

/**
 * A group holding one unnamed block instance (U-Net's `down1: { maxpool 2x2/2 -> double(128) }`)
 * already names it: its frame says what block it is (`double`), not `down1.0 (double)`.
 */
function soleInstanceByItsBlock(frames: Frame[], group: string): void {
  // Instances numbered in the group's sequence, a repeat's continuing it included (`layer1.1`, `layer1.2`).
  const numbered = frames.filter((f) => f.kind === "block" && f.id.startsWith(`${group}.`) && /^\d+$/.test(f.id.slice(group.length + 1)));
  if (numbered.length !== 1 || numbered[0]!.repeat !== undefined || numbered[0]!.block === undefined) return;
  const frame = numbered[0]!;
  frame.label = frame.block!;
  delete frame.block;
}

function positiveCount(expr: import("../lang/ast.js").Expr, scope: Scope, what: string, builder: NetworkBuilder): number | undefined {
  try {
    const value = evaluate(expr, scope.bindings);
    if (value.kind === "number" && Number.isInteger(value.value) && value.value >= 1) return value.value;
    builder.diagnostics.error(`${what} count must be a positive whole number`, expr.loc);
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    builder.diagnostics.error(error.message, error.loc, error.hint);
  }
  return undefined;
}

function compileRepeat(statement: Extract<Statement, { type: "repeat" }>, cursor: Cursor, scope: Scope, builder: NetworkBuilder): Cursor {
  const count = positiveCount(statement.count, scope, "repeat", builder);
  if (count === undefined) return cursor;
  // A count past the budget is refused before any repetition is built, nested repeats multiplied out.
  if (!builder.budget.fits(count * (1 + new ExpansionEstimate(scope.blocks).of(statement.body, scope.bindings)))) throw builder.budget.exceeded(statement.count.loc);
  const name = statement.name ?? builder.autoName(scope.prefix, "repeat");
  const groupId = scope.prefix + name;
  builder.addFrame({ id: groupId, kind: "repeat", label: `×${count}`, parent: scope.frames.at(-1), loc: statement.loc });
  // `repeat N block(...)`: each repetition is one block instance, named like PyTorch's `layer1.0`.
  const single = statement.body.length === 1 && statement.body[0]!.type === "chain" ? statement.body[0] : undefined;
  const call = single && single.elements.length === 1 && single.elements[0]!.type === "call" && !single.elements[0]!.name ? single.elements[0] : undefined;
  // An unnamed repeat inside a group continues the group's numbering (`layer1.1`, `layer1.2`).
  const continuesSequence = !statement.name && call !== undefined && scope.sequence !== undefined;
  for (let index = 0; index < count; index++) {
    const id = continuesSequence ? `${scope.prefix}${scope.sequence!.next++}` : `${groupId}.${index}`;
    const naming = call ? instanceNaming(lastNamedPart(id), call.block) : { label: `${name} ${index + 1}/${count}` };
    builder.addFrame({ id, kind: "block", ...naming, parent: groupId, repeat: { index, count, group: groupId }, loc: statement.loc });
    const inner: Scope = { ...scope, prefix: `${id}.`, frames: [...scope.frames, groupId, id], sequence: { next: 0 } };
    cursor = call ? expandCall(call, cursor, inner, builder) : compileBody(statement.body, cursor, inner, builder);
    builder.frameOutputs.set(id, cursor);
  }
  builder.frameOutputs.set(groupId, cursor);
  return cursor;
}

/**
 * The fewest layers and block instances `statements` expand to, block calls included (a
 * block's own body counted once per definition, counts that do not evaluate as one), so that
 * a repeat of repeats or a block calling blocks that fan out is refused before it starts.
 */
class ExpansionEstimate {
  private readonly perBlock = new Map<BlockDefinition, number>();
  private readonly active = new Set<BlockDefinition>();

  constructor(private readonly blocks: ReadonlyMap<string, BlockDefinition>) {}

  of(statements: Statement[], bindings: ReadonlyMap<string, Binding>): number {
    let total = 0;
    for (const statement of statements) {
      total += this.statement(statement, bindings);
      // Past any budget already: no need to count further (and no overflow to Infinity).
      if (total > MAX_LAYERS_CEILING) return total;
    }
    return total;
  }

  private statement(statement: Statement, bindings: ReadonlyMap<string, Binding>): number {
    switch (statement.type) {
      case "chain":
        return statement.elements.reduce((sum, element) => sum + this.element(element, bindings), 0);
      case "group":
        return 1 + this.of(statement.body, bindings);
      case "repeat":
      case "towers":
        return 1 + countOf(statement.count, bindings) * this.of(statement.body, bindings);
      default:
        return 0;
    }
  }

  private element(element: Element, bindings: ReadonlyMap<string, Binding>): number {
    if (element.type === "merge") return 1 + element.branches.reduce((sum, branch) => sum + this.of(branch, bindings), 0);
    if (element.type === "call") {
      const block = this.blocks.get(element.block);
      return 1 + (block ? this.block(block) : 0);
    }
    return 1;
  }

  /** A block's body, its parameters unbound (a count that needs one counts as one); a block calling itself counts nothing more. */
  private block(block: BlockDefinition): number {
    const known = this.perBlock.get(block);
    if (known !== undefined) return known;
    if (this.active.has(block)) return 0;
    this.active.add(block);
    const size = this.of(block.body, new Map());
    this.active.delete(block);
    this.perBlock.set(block, size);
    return size;
  }
}

/** A repeat's or towers' count for estimating: the written number, or 1 when it is not one yet. */
function countOf(expr: import("../lang/ast.js").Expr, bindings: ReadonlyMap<string, Binding>): number {
  try {
    const value = evaluate(expr, bindings);
    return value.kind === "number" && Number.isInteger(value.value) && value.value >= 1 ? value.value : 1;
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    return 1;
  }
}

function compileTowers(statement: Extract<Statement, { type: "towers" }>, cursor: Cursor, scope: Scope, builder: NetworkBuilder): Cursor {
  const count = positiveCount(statement.count, scope, "towers", builder);
  if (count === undefined) return cursor;
  if (scope.tower) {
    builder.diagnostics.error("towers cannot be nested", statement.loc);
    return cursor;
  }
  if (count > MAX_TOWERS) {
    builder.diagnostics.error(`towers count must be at most ${MAX_TOWERS}, got ${count}`, statement.count.loc, "towers draw one lane each; for grouped convolutions write groups= on the conv");
    return cursor;
  }
  const id = scope.prefix + (statement.name ?? builder.autoName(scope.prefix, "towers"));
  builder.addFrame({ id, kind: "towers", label: `${count} towers`, parent: scope.frames.at(-1), loc: statement.loc });
  // Every lane starts from the whole input; each chain then advances all lanes one element at a time.
  let lanes: Cursor[] = Array.from({ length: count }, () => cursor);
  for (const inner of statement.body) {
    if (inner.type !== "chain") {
      builder.diagnostics.error("towers hold layer lines only", inner.loc, "define a block outside and call it from a layer line");
      continue;
    }
    for (const written of inner.elements) {
      // An unnamed layer gets one name for all its lanes (`flatten_1/1`, `flatten_1/2`).
      const op = written.type === "layer" && !written.name ? findOp(written.op) : undefined;
      const sharedName = op ? builder.autoName(scope.prefix, op.name, op.category === "input") : undefined;
      const element = sharedName && written.type === "layer" ? { ...written, name: sharedName } : written;
      const next: Cursor[] = [];
      for (let index = 0; index < count; index++) {
        const laneScope: Scope = { ...scope, frames: [...scope.frames, id], tower: { index, count } };
        const cross = element.type === "layer" && element.args.some((a) => a.key === undefined && a.value.type === "name" && a.value.name === "cross");
        next.push(compileElement(element, cross ? [...new Set(lanes.flat())] : lanes[index]!, laneScope, builder, sharedName !== undefined));
      }
      lanes = next;
    }
  }
  return [...new Set(lanes.flat())];
}

function compileChain(chain: ChainStatement, cursor: Cursor, scope: Scope, builder: NetworkBuilder): Cursor {
  for (const element of chain.elements) {
    cursor = compileElement(element, cursor, scope, builder);
  }
  return cursor;
}

function compileElement(element: Element, cursor: Cursor, scope: Scope, builder: NetworkBuilder, nameGenerated = false): Cursor {
  if (element.type === "merge") return compileMerge(element, cursor, scope, builder);
  const inputs = element.from ? resolveRefs(element.from, scope, builder) : cursor;
  if (!inputs) return [POISONED];
  if (element.type === "call") return compileCall(element, inputs, scope, builder);
  const id = compileLayer(element, inputs, scope, builder, {}, nameGenerated);
  return [id ?? POISONED];
}

function resolveRefs(refs: Ref[], scope: Scope, builder: NetworkBuilder): Cursor | undefined {
  const resolved: string[] = [];
  let ok = true;
  for (const ref of refs) {
    const ids = resolveRef(ref.name, scope, builder);
    if (ids) {
      resolved.push(...ids);
      continue;
    }
    ok = false;
    const known = [...builder.ids].map((id) => (id.startsWith(scope.prefix) ? id.slice(scope.prefix.length) : id));
    builder.diagnostics.error(`no layer named '${ref.name}' above this line`, ref.loc, didYouMean(ref.name, known) ?? "a layer can only read layers defined before it");
  }
  return ok ? resolved : undefined;
}

/** Looks a name up from the innermost scope outwards; a tower name means all its lanes. */
function resolveRef(name: string, scope: Scope, builder: NetworkBuilder): string[] | undefined {
  const parts = scope.prefix.split(".").filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    const candidate = [...parts.slice(0, i), name].join(".");
    if (builder.ids.has(candidate)) return [candidate];
    const output = builder.frameOutputs.get(candidate);
    if (output) return output;
    const lanes = builder.towerBases.get(candidate);
    if (lanes) return scope.tower ? [lanes[scope.tower.index]!] : lanes;
  }
  return undefined;
}

/** Layer kinds whose `weights=` the engine reads as `<layer>.weight` (`OpDef.literalWeights`: conv, fc). */
const LITERAL_WEIGHTS = ops.filter((op) => op.literalWeights).map((op) => op.name);

/**
 * Takes `values=` (an input's data) and `weights=` (a conv's or fc's weight) out of a
 * layer's arguments: they are data for the engine rather than settings of the op, so they
 * travel as attributes beside what the op compiles, flat with their written shape
 * (`values`, `valuesShape`). An input's values are checked against its shape here; a
 * weight's shape depends on the analysed input channels, so the engine checks it.
 * Returns undefined after reporting a misplaced or malformed literal.
 */
function takeLiterals(
  op: string,
  isInput: boolean,
  args: OpArgs,
  locations: Map<string, SourceLocation>,
  element: LayerElement,
  diagnostics: DiagnosticBag,
): Record<string, AttrValue> | undefined {
  const attrs: Record<string, AttrValue> = {};
  for (const key of ["values", "weights"] as const) {
    const value = args.named[key];
    if (value === undefined) continue;
    delete args.named[key];
    const loc = locations.get(key) ?? element.opLoc;
    const allowed = key === "values" ? isInput : LITERAL_WEIGHTS.includes(op);
    if (!allowed) {
      diagnostics.error(`${op} has no setting '${key}'`, loc, key === "values" ? "values= gives an input's data" : `weights= is for ${LITERAL_WEIGHTS.join(" and ")} layers`);
      return undefined;
    }
    if (value.kind !== "tensor") {
      diagnostics.error(`${key}= needs a list of numbers`, loc, `write e.g. ${key}=[[1, 0, -1], [1, 0, -1], [1, 0, -1]]`);
      return undefined;
    }
    attrs[key] = value.data;
    attrs[`${key}Shape`] = value.shape;
  }
  return attrs;
}

/**
 * Takes `shares=LAYER` out of a layer's arguments: the layer reuses that layer's parameters
 * (checked by the analysis: same kind, same settings). Returns the attribute to add, `{}`
 * without the setting, or undefined after reporting a name that is not a layer above.
 */
function takeShares(args: OpArgs, locations: Map<string, SourceLocation>, element: LayerElement, scope: Scope, builder: NetworkBuilder): Record<string, AttrValue> | undefined {
  const value = args.named["shares"];
  if (value === undefined) return {};
  delete args.named["shares"];
  const loc = locations.get("shares") ?? element.opLoc;
  const ids = value.kind === "word" ? resolveRef(value.value, scope, builder) : undefined;
  if (!ids || ids.length !== 1 || !builder.ids.has(ids[0]!)) {
    builder.diagnostics.error("shares= names the layer above whose parameters this one reuses", loc, "write e.g. conv 64 3x3 shares=conv1");
    return undefined;
  }
  return { shares: ids[0]! };
}

/**
 * Resolves the settings of an op that name a layer above (`OpDef.references`: `crop like=up4`,
 * `maxunpool indices=pool1`) into the extra inputs and attributes they add. Returns undefined
 * after reporting a name that does not resolve or a layer that does not fit.
 */
function resolveReferences(
  opName: string,
  args: OpArgs,
  locations: Map<string, SourceLocation>,
  element: LayerElement,
  scope: Scope,
  builder: NetworkBuilder,
): { inputs: string[]; attrs: Record<string, AttrValue> } | undefined {
  const result = { inputs: [] as string[], attrs: {} as Record<string, AttrValue> };
  for (const [setting, reference] of Object.entries(getOp(opName).references ?? {})) {
    const value = args.named[setting];
    if (value === undefined || value.kind !== "word") continue; // the op's compile says what is wrong
    const loc = locations.get(setting) ?? element.opLoc;
    const ids = resolveRef(value.value, scope, builder);
    const node = ids?.length === 1 ? builder.nodes.find((n) => n.id === ids[0]) : undefined;
    if (!node) {
      const known = [...builder.ids].map((id) => (id.startsWith(scope.prefix) ? id.slice(scope.prefix.length) : id));
      builder.diagnostics.error(`${opName} ${setting}=: no layer named '${value.value}' above this line`, loc, didYouMean(value.value, known) ?? "name one layer defined before this one");
      return undefined;
    }
    const applied = reference(node);
    if (typeof applied === "string") {
      builder.diagnostics.error(`${opName} ${setting}=${value.value}: ${value.value} ${applied}`, loc);
      return undefined;
    }
    result.inputs.push(...applied.inputs);
    Object.assign(result.attrs, applied.attrs);
  }
  return result;
}

function compileLayer(
  element: LayerElement,
  inputs: Cursor,
  scope: Scope,
  builder: NetworkBuilder,
  extraAttrs: Record<string, AttrValue> = {},
  nameGenerated = false,
): string | undefined {
  const diagnostics = builder.diagnostics;
  const op = findOp(element.op);
  if (!op) {
    const blockHint = scope.blocks.has(element.op) ? `${element.op} is a block: call it as ${element.op}(...)` : undefined;
    diagnostics.error(`unknown layer kind '${element.op}'`, element.opLoc, blockHint ?? didYouMean(element.op, [...opNames(), ...scope.blocks.keys()]));
    return undefined;
  }
  let evaluated;
  try {
    const written = evaluateArgs(element.args, scope.bindings);
    evaluated = written;
    const defaults = scope.defaults.get(op.name);
    if (defaults) {
      const fromDefaults = evaluateArgs(defaults, scope.bindings).args.named;
      evaluated.args.named = { ...fromDefaults, ...written.args.named };
    }
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    diagnostics.error(error.message, error.loc, error.hint);
    return undefined;
  }
  const { args, locations } = evaluated;
  const cross = args.flags.includes("cross");
  if (cross) {
    args.flags = args.flags.filter((f) => f !== "cross");
    if (!scope.tower) diagnostics.error("'cross' only means something inside towers", locations.get("cross") ?? element.loc, "remove it");
  }
  // A shortcut op matches the main branch of its add { }: anywhere else it has nothing to match.
  if (SHORTCUT_OP_NAMES.has(op.name) && extraAttrs.target === undefined) {
    diagnostics.error(`'${element.op}' is a residual shortcut: it starts a branch of add { }`, element.opLoc, `write it first on its own line inside add { }, spelled ${[...SHORTCUT_OPS].filter(([, name]) => name === op.name).map(([head]) => head).join(" or ")}`);
    return undefined;
  }
  const literals = takeLiterals(op.name, op.inputs === "none", args, locations, element, diagnostics);
  if (!literals) return undefined;
  const shares = takeShares(args, locations, element, scope, builder);
  if (shares === undefined) return undefined;
  const referenced = resolveReferences(op.name, args, locations, element, scope, builder);
  if (!referenced) return undefined;
  let attrs;
  try {
    attrs = { ...op.compile(args), ...literals, ...referenced.attrs, ...shares, ...extraAttrs };
  } catch (error) {
    if (!(error instanceof ArgError)) throw error;
    const loc = (error.argument && locations.get(error.argument)) || element.opLoc;
    diagnostics.error(error.message, loc, error.hint);
    return undefined;
  }
  if (Array.isArray(attrs["valuesShape"]) && Array.isArray(attrs["shape"])) {
    const [h, w, c] = attrs["shape"];
    // The engine's tensors are PyTorch's [C, H, W] (or [N], [T, N]), the order a literal is written in.
    const chw = attrs["shape"].length === 3 ? [c!, h!, w!] : attrs["shape"];
    if (!literalFits(attrs["valuesShape"], chw)) {
      diagnostics.error(`values= is ${formatShape(attrs["valuesShape"])}, the input is ${formatShape(chw)} (C×H×W)`, locations.get("values") ?? element.opLoc, "write one row of numbers per image row");
      return undefined;
    }
  }
  if (scope.tower) {
    // Channel counts inside towers are totals, split evenly across the lanes.
    for (const key of ["filters", "units", "hidden"] as const) {
      const total = attrs[key];
      if (typeof total !== "number") continue;
      if (total % scope.tower.count !== 0) {
        // Every lane fails the same way; say it once.
        if (scope.tower.index === 0) diagnostics.error(`${total} ${key} do not split evenly into ${scope.tower.count} towers`, element.opLoc);
        return undefined;
      }
      attrs[key] = total / scope.tower.count;
    }
  }
  if (op.inputs === "none") inputs = [];
  else if (inputs.length === 0) {
    diagnostics.error(`${op.name} has no input`, element.opLoc, "start the network with an input line, e.g. input 224x224x3");
    return undefined;
  }
  const autoNamed = nameGenerated || element.name === undefined;
  const name = element.name ?? builder.autoName(scope.prefix, op.name, op.category === "input");
  const base = scope.prefix + name;
  const id = scope.tower ? `${base}/${scope.tower.index + 1}` : base;
  if (!builder.claim(id, name, element.loc)) return undefined;
  if (scope.tower) {
    const lanes = builder.towerBases.get(base) ?? [];
    lanes.push(id);
    builder.towerBases.set(base, lanes);
  }
  if (scope.share && attrs["shares"] === undefined && id.startsWith(scope.share.from)) {
    const owner = scope.share.to + id.slice(scope.share.from.length);
    if (!builder.ids.has(owner)) {
      diagnostics.error(`${id} has no counterpart ${owner} to share parameters with`, element.loc, "a block shares with another call of the same block");
      return undefined;
    }
    attrs["shares"] = owner;
  }
  const node: LayerNode = { id, op: op.name, attrs, inputs: [...inputs, ...referenced.inputs], autoNamed, loc: element.loc, frames: scope.frames };
  if (element.label !== undefined) node.label = element.label;
  if (scope.tower) node.tower = { index: scope.tower.index, count: scope.tower.count, base };
  builder.addNode(node);
  return id;
}

function compileCall(element: CallElement, inputs: Cursor, scope: Scope, builder: NetworkBuilder): Cursor {
  const block = scope.blocks.get(element.block);
  if (!block) {
    const hint = findOp(element.block) ? `${element.block} is a layer kind: write it without parentheses` : didYouMean(element.block, scope.blocks.keys());
    builder.diagnostics.error(`unknown block '${element.block}'`, element.loc, hint);
    return [POISONED];
  }
  // Blocks that call blocks multiply: the whole expansion is estimated, and refused, before any of it is built.
  if (!builder.budget.fits(new ExpansionEstimate(scope.blocks).of([{ type: "chain", elements: [element], loc: element.loc }], scope.bindings))) throw builder.budget.exceeded(element.loc);
  const numbered = element.name === undefined && scope.sequence !== undefined;
  const name = element.name ?? (numbered ? String(scope.sequence!.next++) : builder.autoName(scope.prefix, block.name));
  const id = scope.prefix + name;
  // The frame names the instance (`fire2`, `layer2.0`) and says which block it is; an
  // instance only the compiler named (`fire_1`) is called by its block.
  const naming = element.label !== undefined ? { label: element.label } : element.name !== undefined || numbered ? instanceNaming(lastNamedPart(id), block.name) : { label: block.name };
  builder.addFrame({ id, kind: "block", ...naming, parent: scope.frames.at(-1), loc: element.loc });
  const inner: Scope = { ...scope, prefix: `${id}.`, frames: [...scope.frames, id], sequence: undefined };
  const output = expandCall(element, inputs, inner, builder);
  builder.frameOutputs.set(id, output);
  return output;
}

/** Binds a call's arguments to the block's parameters and compiles its body in `inner`. */
function expandCall(element: CallElement, inputs: Cursor, inner: Scope, builder: NetworkBuilder): Cursor {
  const diagnostics = builder.diagnostics;
  const block = inner.blocks.get(element.block);
  if (!block) {
    diagnostics.error(`unknown block '${element.block}'`, element.loc, didYouMean(element.block, inner.blocks.keys()));
    return [POISONED];
  }
  if (inner.calls.includes(block.name)) {
    const cycle = [...inner.calls.slice(inner.calls.indexOf(block.name)), block.name].join(" → ");
    diagnostics.error(`block '${block.name}' calls itself${inner.calls.at(-1) === block.name ? "" : ` (${cycle})`}`, element.loc, "a block cannot contain a call to itself");
    return [POISONED];
  }
  const bindings = new Map<string, Binding>();
  const sharing = sharedFrame(element, block, inner, builder);
  if (sharing === null) return [POISONED];
  if (sharing) {
    inner = { ...inner, share: { from: inner.prefix, to: `${sharing}.` } };
    element = { ...element, args: element.args.filter((a) => a.key !== "shares") };
  }
  const positional = element.args.filter((a) => a.key === undefined);
  if (positional.length > block.params.length) {
    diagnostics.error(`${block.name} takes ${block.params.length} argument${block.params.length === 1 ? "" : "s"}, got ${positional.length}`, positional[block.params.length]!.loc);
    return [POISONED];
  }
  try {
    block.params.forEach((param, i) => {
      const arg = positional[i] ?? element.args.find((a) => a.key === param.name);
      if (arg) bindings.set(param.name, evaluate(arg.value, inner.bindings));
    });
    for (const arg of element.args) {
      if (arg.key !== undefined && !block.params.some((p) => p.name === arg.key)) {
        diagnostics.error(`${block.name} has no parameter '${arg.key}'`, arg.loc, didYouMean(arg.key, block.params.map((p) => p.name)) ?? `its parameters are ${block.params.map((p) => p.name).join(", ") || "none"}`);
        return [POISONED];
      }
    }
    for (const param of block.params) {
      if (bindings.has(param.name)) continue;
      if (!param.default) {
        diagnostics.error(`${block.name} needs a value for '${param.name}'`, element.loc, `write ${block.name}(${block.params.map((p) => p.name).join(", ")})`);
        return [POISONED];
      }
      // Defaults may use earlier parameters: block bottleneck(c, out=c*4).
      bindings.set(param.name, evaluate(param.default, bindings));
    }
  } catch (error) {
    if (!(error instanceof EvalError)) throw error;
    diagnostics.error(error.message, error.loc, error.hint);
    return [POISONED];
  }
  return compileBody(block.body, inputs, { ...inner, bindings, calls: [...inner.calls, block.name] }, builder);
}

/**
 * The frame a block call's `shares=OTHER` names (when the block has no parameter `shares`):
 * an earlier call whose layers this call's layers reuse the parameters of, one for one.
 * Undefined without the setting; null after reporting a name that is no block call above.
 */
function sharedFrame(element: CallElement, block: BlockDefinition, inner: Scope, builder: NetworkBuilder): string | undefined | null {
  const arg = element.args.find((a) => a.key === "shares");
  if (!arg || block.params.some((p) => p.name === "shares")) return undefined;
  const name = arg.value.type === "name" ? arg.value.name : undefined;
  const parts = inner.prefix.split(".").filter(Boolean).slice(0, -1);
  for (let i = parts.length; name !== undefined && i >= 0; i--) {
    const candidate = [...parts.slice(0, i), name].join(".");
    const frame = builder.frames.find((f) => f.id === candidate);
    if (frame && `${candidate}.` !== inner.prefix) {
      const own = builder.frames.find((f) => `${f.id}.` === inner.prefix);
      if (own) own.shares = candidate;
      return candidate;
    }
  }
  builder.diagnostics.error("shares= names an earlier call of a block whose parameters this call reuses", arg.loc, `write e.g. right: ${block.name}(shares=left)`);
  return null;
}

function compileMerge(element: MergeElement, cursor: Cursor, scope: Scope, builder: NetworkBuilder): Cursor {
  const diagnostics = builder.diagnostics;
  if (element.branches.length === 0) {
    diagnostics.error(`${element.op} has no branches`, element.loc, "put one branch per line between the braces");
    return cursor;
  }
  const shortcutKind = (branch: Statement[]): string | undefined => {
    const first = branch.length === 1 && branch[0]!.type === "chain" ? branch[0].elements[0] : undefined;
    if (!first || first.type !== "layer") return undefined;
    if (first.op === IDENTITY_SHORTCUT) return IDENTITY_SHORTCUT;
    const shortcut = SHORTCUT_OPS.get(first.op);
    if (shortcut === undefined) return undefined;
    // `zeropad 1` inside a branch is ordinary spatial padding; bare `zeropad` is the option-A shortcut.
    const other = findOp(first.op);
    if (other !== undefined && other.name !== shortcut && first.args.length > 0) return undefined;
    return shortcut;
  };
  const outputs: (Cursor | undefined)[] = element.branches.map(() => undefined);
  let main: string | undefined;
  element.branches.forEach((branch, i) => {
    if (shortcutKind(branch)) return;
    outputs[i] = compileBody(branch, cursor, scope, builder);
    if (main === undefined && outputs[i]!.length === 1) main = outputs[i]![0];
  });
  element.branches.forEach((branch, i) => {
    const kind = shortcutKind(branch);
    if (!kind) return;
    const chain = branch[0] as ChainStatement;
    const head = chain.elements[0] as LayerElement;
    if (element.op !== "add") {
      diagnostics.error(`'${head.op}' is a residual shortcut and belongs in add { }`, head.opLoc, "in concat, write the branch as identity");
      return;
    }
    if (kind === IDENTITY_SHORTCUT) {
      if (head.args.length > 0) diagnostics.error("an identity shortcut takes no arguments", head.args[0]!.loc, "use proj for a projection");
      outputs[i] = compileChain({ ...chain, elements: chain.elements.slice(1) }, cursor, scope, builder);
      return;
    }
    if (main === undefined) {
      diagnostics.error(`${head.op} needs a main branch to match`, head.opLoc, "add { } needs at least one branch of layers besides the shortcut");
      return;
    }
    const shortcutOp: LayerElement = { ...head, op: kind };
    const id = compileLayer(shortcutOp, cursor, scope, builder, { target: main });
    if (!id) return;
    outputs[i] = compileChain({ ...chain, elements: chain.elements.slice(1) }, [id], scope, builder);
  });
  if (outputs.some((o) => o === undefined)) return [POISONED];
  const mergeLayer: LayerElement = { type: "layer", name: element.name, op: element.op, opLoc: element.loc, args: [], label: element.label, loc: element.loc };
  const id = compileLayer(mergeLayer, outputs.flatMap((o) => o!), scope, builder);
  return [id ?? POISONED];
}
