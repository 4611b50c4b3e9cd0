/**
 * Printing a figure at a width: the arrangements worth trying (one row, rows, columns
 * flowing down), each laid out again for the width (`fitToWidth`), measured as it prints,
 * and the one that prints its blocks largest while keeping every label at the requested
 * size, nothing colliding and the page no taller than the limit.
 */
import type { AnalyzedGraph } from "../analyze/types.js";
import type { Direction } from "../options/figure.js";
import { definedOnly, MAX_ROWS } from "../options/figure.js";
import { presentKinds } from "../scene/blocks.js";
import { pageWidth } from "../scene/chrome.js";
import { buildScene, layout, optionSet, pickNetwork, resolveOptions, type LaidOutGraph, type LayoutRequest, type SceneOptions } from "../styles/index.js";
import { fitToWidth, MIN_PRINTED_TEXT_PT, padToWidth, printTheme, scaleScene } from "./width.js";
import type { Scene } from "../scene/types.js";
import { getTheme } from "../themes/index.js";
import { printMetrics, type PrintMetrics } from "./metrics.js";

/** A page's text height: the tallest a figure may print by default (9 in). */
export const DEFAULT_MAX_HEIGHT_PT = 9 * 72;
/** The smallest median block a reader can see the shape of. */
export const MIN_BLOCK_PT = 18;
/**
 * The most a figure is enlarged past its natural size (blocks, neurons, gaps) to fill a
 * page; a small network on a wide page is centred instead of blown up.
 */
export const MAX_ENLARGEMENT = 1.5;
/** Blocks larger than this (median) gain a reader little; the shorter figure wins instead. */
export const COMFORTABLE_BLOCK_PT = 40;
/** Natural-size figures (no `--width`) wrap to stay at most this wide, or at most this many times as wide as tall. */
export const NATURAL_MAX_WIDTH_PT = 1500;
export const NATURAL_MAX_ASPECT = 3;

/**
 * Rows worth trying next for a natural-size figure `long` along the flow and `across` it in
 * `rows` rows: more rows shorten it about as 1/rows and widen it about as rows, so a
 * 25,000-block chain goes straight to the 40-odd rows it needs instead of trying each count.
 * Short of the estimate, so that the fewest rows that keep to the limits are found: well
 * short from one row (rows add the gaps between them), just short from several.
 */
function naturalRowsAhead(rows: number, long: number, across: number): number {
  const single = long * rows;
  const perRow = across / rows;
  const needed = Math.min(single / NATURAL_MAX_WIDTH_PT, Math.sqrt(single / (NATURAL_MAX_ASPECT * perRow)));
  return Math.floor(rows === 1 ? needed * 0.9 : needed);
}

export interface PrintRequest {
  /** Printed width in points; without it the figure prints at natural size. */
  width?: number;
  /** Printed size of the shape labels. */
  fontSize: number;
  font?: string;
  maxHeight: number;
}

/** One way of arranging the figure. */
export interface Arrangement {
  direction: Direction;
  rows: number;
  compact: boolean;
  blockSize: number;
  terse: boolean;
  stackShapes: boolean;
  collapse: boolean;
}

export interface Candidate {
  arrangement: Arrangement;
  scene: Scene;
  metrics: PrintMetrics;
  /** Printed label size ÷ requested (1 when the labels print at the size asked). */
  fontRatio: number;
  /** What keeps it from fitting; empty when it fits. */
  faults: string[];
  /** Drawn as blocks (the arrangement's slabs, detail and block size apply); else only its rows do. */
  blocks: boolean;
  /** Drawn in another style that draws less for terse and collapse (a sequence: unrolled or folded only). */
  lessDetail: boolean;
}

export interface PrintedFigure {
  chosen: Candidate;
  fits: boolean;
  tried: number;
  /** The user fixed these, so they were not varied. */
  fixed: { direction: boolean; rows: boolean; compact: boolean; blockSize: boolean; terse: boolean; stackShapes: boolean; collapse: boolean };
  /** Every arrangement tried, in the order tried (for benchmarks and for explaining a choice). */
  all: Candidate[];
}

function faultsOf(c: Omit<Candidate, "faults">, request: PrintRequest): string[] {
  const faults: string[] = [];
  // Text at the size asked, neither smaller nor (a fit that stopped short) larger.
  if (Math.abs(c.fontRatio - 1) > 1e-3) faults.push(`labels print at ${(request.fontSize * c.fontRatio).toFixed(1)} pt, not ${request.fontSize} pt`);
  const floor = Math.min(MIN_PRINTED_TEXT_PT, request.fontSize);
  if (c.metrics.minFontPt < floor - 0.01) faults.push(`text at ${c.metrics.minFontPt.toFixed(1)} pt, under ${floor} pt`);
  if (c.metrics.heightPt > request.maxHeight + 0.01) faults.push(`${c.metrics.heightPt.toFixed(0)} pt tall, over ${request.maxHeight.toFixed(0)} pt`);
  if (c.metrics.collisions > 0) faults.push(`${c.metrics.collisions} label collision${c.metrics.collisions === 1 ? "" : "s"}`);
  if (c.metrics.blocks > 0 && c.metrics.medianBlockPt < MIN_BLOCK_PT) faults.push(`blocks ${c.metrics.medianBlockPt.toFixed(1)} pt tall (median), under ${MIN_BLOCK_PT} pt`);
  return faults;
}

/** How far a candidate is from fitting: 0 when it fits. */
function shortfall(c: Candidate, request: PrintRequest): number {
  const m = c.metrics;
  return (
    Math.abs(1 - c.fontRatio) * 20 +
    Math.max(0, 1 - m.minFontPt / Math.min(MIN_PRINTED_TEXT_PT, request.fontSize)) * 20 +
    Math.max(0, m.heightPt / request.maxHeight - 1) * 2 +
    m.collisions * 0.25 +
    (m.blocks > 0 ? Math.max(0, 1 - m.medianBlockPt / MIN_BLOCK_PT) : 0)
  );
}

/** Better first: fitting, then larger blocks up to a comfortable size, then shorter, fewer rows, flowing right. */
function better(a: Candidate, b: Candidate, request: PrintRequest): boolean {
  const fa = a.faults.length === 0;
  const fb = b.faults.length === 0;
  if (fa !== fb) return fa;
  if (!fa) {
    const d = shortfall(a, request) - shortfall(b, request);
    if (Math.abs(d) > 1e-9) return d < 0;
  }
  // Larger blocks up to a comfortable size; past it, a shorter figure is the better use of the page.
  const ba = Math.min(a.metrics.medianBlockPt, COMFORTABLE_BLOCK_PT);
  const bb = Math.min(b.metrics.medianBlockPt, COMFORTABLE_BLOCK_PT);
  if (Math.abs(ba - bb) > 0.5) return ba > bb;
  if (Math.abs(a.metrics.heightPt - b.metrics.heightPt) > 1) return a.metrics.heightPt < b.metrics.heightPt;
  if (a.arrangement.rows !== b.arrangement.rows) return a.arrangement.rows < b.arrangement.rows;
  if (a.arrangement.compact !== b.arrangement.compact) return !a.arrangement.compact;
  if (a.arrangement.collapse !== b.arrangement.collapse) return !a.arrangement.collapse;
  if (a.arrangement.terse !== b.arrangement.terse) return !a.arrangement.terse;
  if (a.arrangement.stackShapes !== b.arrangement.stackShapes) return !a.arrangement.stackShapes;
  if (a.arrangement.blockSize !== b.arrangement.blockSize) return a.arrangement.blockSize < b.arrangement.blockSize;
  return a.arrangement.direction === "right" && b.arrangement.direction !== "right";
}

/**
 * Lays the figure out for the page. With a width, every arrangement the user left open
 * is tried and the best printed one kept; without one, the figure keeps its natural size
 * and only wraps into as few rows as keep it from growing without bound.
 */
export async function printFigure(
  analyzed: AnalyzedGraph,
  request: LayoutRequest,
  print: PrintRequest,
  sceneOptions: SceneOptions,
): Promise<PrintedFigure> {
  const network = pickNetwork(analyzed, request.network);
  const resolved = resolveOptions(analyzed, network, request);
  const figureSets = (key: keyof PrintedFigure["fixed"]): boolean => optionSet(analyzed, network, request, key);
  // `style: compact` draws slabs whatever the option says.
  const slabsByStyle = resolved.style === "compact";
  const fixed = {
    direction: figureSets("direction"),
    rows: figureSets("rows"),
    compact: figureSets("compact") || slabsByStyle,
    blockSize: figureSets("blockSize"),
    terse: figureSets("terse"),
    stackShapes: figureSets("stackShapes"),
    collapse: figureSets("collapse"),
  };
  const base = getTheme(resolved.theme);
  let lastScale = 1;
  /** Whether the network is drawn as blocks: only then do slabs, label detail and block size mean anything. */
  let blocksFigure: boolean | undefined;
  /** Whether a figure of another style draws less for terse and collapse. */
  let lessDetailFigure: boolean | undefined;

  const evaluate = async (arrangement: Arrangement): Promise<{ candidate: Candidate; rows: number; u: boolean; whole: boolean }> => {
    const arranged: LayoutRequest = { ...request, ...arrangement };
    let rowsMade = arrangement.rows;
    let u = false;
    let whole = false;
    let isBlocks = true;
    // While fitting, only the page's width is wanted; a blocks figure's is known without drawing it.
    const layoutAt = async (layoutScale: number): Promise<{ width: number; laidOut: LaidOutGraph; scene?: Scene }> => {
      const customTheme = printTheme(base, { fontSize: print.fontSize, layoutScale, font: print.font });
      const laidOut = await layout(analyzed, { ...arranged, customTheme });
      const blocks = laidOut.style === "blocks" || laidOut.style === "compact" ? laidOut.figure : undefined;
      // Other styles that can break into rows say how many they made; the rest are drawn whole.
      const rowsOfStyle = (laidOut.figure as { rows?: number }).rows;
      // Others draw a lighter figure for terse or collapse themselves (a sequence: unrolled or folded only).
      lessDetailFigure ??= blocks === undefined && (laidOut.figure as { detail?: unknown }).detail !== undefined;
      rowsMade = rowsOfStyle ?? 1;
      u = blocks?.shape === "u";
      whole = blocks ? blocks.shape !== "line" : rowsOfStyle === undefined;
      isBlocks = blocks !== undefined;
      if (blocks) {
        const present = presentKinds(blocks.nodes);
        return { width: pageWidth({ width: laidOut.width, present }, { ...laidOut.options, ...definedOnly(sceneOptions) }, customTheme), laidOut };
      }
      const scene = buildScene(laidOut, sceneOptions);
      return { width: scene.width, laidOut, scene };
    };
    let scene: Scene;
    let fontRatio = 1;
    if (print.width === undefined) {
      const at = await layoutAt(1);
      scene = at.scene ?? buildScene(at.laidOut, sceneOptions);
    } else {
      const fit = await fitToWidth(layoutAt, print.width, { initialScale: lastScale, maxLayouts: FIT_LAYOUTS });
      // A fit that failed is a poor start for the next one.
      if (fit.converged) lastScale = fit.layoutScale;
      if (fit.converged && fit.layoutScale > MAX_ENLARGEMENT) {
        // A small network on a wide page: drawn at most this much larger than its natural size, centred.
        const at = await layoutAt(MAX_ENLARGEMENT);
        scene = padToWidth(scaleScene(at.scene ?? buildScene(at.laidOut, sceneOptions), MAX_ENLARGEMENT), print.width);
      } else {
        const drawn = fit.laidOut.scene ?? buildScene(fit.laidOut.laidOut, sceneOptions);
        scene = scaleScene(drawn, fit.finalScale);
        fontRatio = fit.printedFontRatio;
      }
    }
    const partial = { arrangement, scene, metrics: printMetrics(scene), fontRatio, blocks: isBlocks, lessDetail: !isBlocks && lessDetailFigure === true };
    // A U has its own rows (its levels), and a graph ELK placed has none: neither is broken into rows.
    blocksFigure ??= isBlocks;
    return { candidate: { ...partial, faults: faultsOf(partial, print) }, rows: u ? 1 : rowsMade, u, whole };
  };

  if (print.width === undefined) {
    // Natural size: the fewest rows that keep the figure from growing without bound.
    let chosen: Candidate | undefined;
    let chosenRows = 0;
    let tried = 0;
    for (let rows = fixed.rows ? resolved.rows : 1; ; ) {
      const { candidate, rows: made } = await evaluate({
        direction: resolved.direction,
        rows,
        compact: resolved.compact,
        blockSize: resolved.blockSize,
        terse: resolved.terse,
        stackShapes: resolved.stackShapes,
        collapse: resolved.collapse,
      });
      tried++;
      // Fewer rows than asked: the break points allow no more (a chain of five blocks in six rows).
      if (made > chosenRows) {
        chosen = candidate;
        chosenRows = made;
      }
      if (made < rows) break;
      const { widthPt, heightPt } = candidate.metrics;
      const long = resolved.direction === "right" ? widthPt : heightPt;
      const across = resolved.direction === "right" ? heightPt : widthPt;
      if (fixed.rows || long <= NATURAL_MAX_WIDTH_PT || long <= NATURAL_MAX_ASPECT * across) break;
      rows = Math.max(rows + 1, naturalRowsAhead(rows, long, across));
    }
    return { chosen: chosen!, fits: true, tried, fixed, all: [chosen!] };
  }

  const candidates: Candidate[] = [];
  /** Rows for one direction, style and block size, from `from` up while more rows can still help. */
  let u = false;
  let whole = false;
  const sweep = async (direction: Direction, compact: boolean, { terse, stackShapes, collapse }: Detail, from: number, to: number): Promise<void> => {
    // An encoder–decoder drawn as a U flows right in one piece; other arrangements of it would only lose the U.
    if (u && direction !== "right") return;
    // Other styles lay themselves out their own way: only their rows are theirs to vary, and less detail where they draw less.
    if (blocksFigure === false && (compact || stackShapes || direction === "down" || ((terse || collapse) && !lessDetailFigure))) return;
    for (let rows = from; rows <= to; ) {
      const { candidate, rows: made, u: isU, whole: isWhole } = await evaluate({ direction, rows, compact, blockSize: resolved.blockSize, terse, stackShapes, collapse });
      u ||= isU;
      whole ||= isWhole;
      if (made < rows) {
        // Rows asked for (--rows N) that the figure cannot break into: the most it makes is the answer.
        if (rows === from && from > 1) candidates.push({ ...candidate, arrangement: { ...candidate.arrangement, rows: made } });
        break;
      }
      candidates.push(candidate);
      if (isWhole) break;
      const tall = candidate.metrics.heightPt > print.maxHeight;
      // Flowing right, more rows make the figure taller: past the page height it only gets worse.
      if (direction === "right" && tall && candidate.fontRatio >= 1 - 1e-3) break;
      // Flowing down, more columns make the figure wider, so blocks and text smaller: once it is short enough, stop.
      if (direction === "down" && !tall) break;
      // Flowing right, more rows make blocks larger and the figure taller: stop once they are large enough.
      if (candidate.faults.length === 0 && candidate.metrics.medianBlockPt >= COMFORTABLE_BLOCK_PT) break;
      // Labels far too wide for their rows: rows shrink about as 1/rows, so skip ahead
      // towards the count at which they fit, not quite all the way.
      const ahead = direction === "right" && candidate.fontRatio < 0.9 ? Math.floor((rows / candidate.fontRatio) * 0.8) : 0;
      rows = Math.max(rows + 1, ahead);
    }
  };
  const directions: Direction[] = fixed.direction ? [resolved.direction] : ["right", "down"];
  const compacts = fixed.compact ? [resolved.compact || slabsByStyle] : [false, true];
  const rowRange = (): [number, number] => (fixed.rows ? [resolved.rows, resolved.rows] : [1, MAX_ROWS]);
  const fitsYet = (): boolean => candidates.some((c) => c.faults.length === 0);
  // Where text takes more room than the blocks, larger blocks cost little width: try them
  // for the best arrangements found, with a row more or less, while they keep fitting.
  const comfortable = (): boolean => candidates.some((c) => c.faults.length === 0 && c.metrics.medianBlockPt >= COMFORTABLE_BLOCK_PT);
  const resize = async (among: Candidate[]): Promise<void> => {
    if (fixed.blockSize || blocksFigure === false || comfortable()) return;
    const ranked = [...among].sort((a, b) => (better(a, b, print) ? -1 : better(b, a, print) ? 1 : 0));
    const seen = new Set<string>();
    const leaders = ranked.filter((c) => {
      const key = `${c.arrangement.direction}/${c.arrangement.compact}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    }).slice(0, 3);
    for (const leader of leaders) {
      if (comfortable()) break;
      const { direction, compact, rows, terse, stackShapes, collapse } = leader.arrangement;
      // A figure only too tall may fit with smaller blocks (a U-Net: its width is its widest level).
      const tooTall = leader.metrics.heightPt > print.maxHeight && leader.metrics.medianBlockPt > MIN_BLOCK_PT * 1.15;
      for (const blockSize of tooTall ? SMALLER_BLOCK_SIZES : BLOCK_SIZES) {
        const before = candidates.length;
        const [lo, hi] = fixed.rows || whole ? [rows, rows] : [Math.max(1, rows - 1), rows + 1];
        for (let r = lo; r <= hi; r++) {
          const { candidate, rows: made } = await evaluate({ direction, rows: r, compact, blockSize, terse, stackShapes, collapse });
          if (made < r) break;
          candidates.push(candidate);
        }
        const tried = candidates.slice(before);
        if (!tooTall && !tried.some((c) => c.faults.length === 0)) break;
        if (tried.some((c) => c.faults.length === 0 && c.metrics.medianBlockPt >= COMFORTABLE_BLOCK_PT)) break;
      }
    }
  };
  const asked: Detail = { terse: resolved.terse, stackShapes: resolved.stackShapes, collapse: resolved.collapse };
  // Less detail only when the full drawing fits nowhere, at any block size: terse labels
  // say less, collapsed modules show less. Last, when none of those fits, each again with
  // the shapes stacked in two lines: a figure whose every block has a size of its own (an
  // unpadded U-Net) has no runs to share its labels, and only narrower labels make room.
  const lessDetail = [
    { terse: asked.terse, collapse: asked.collapse },
    { terse: true, collapse: asked.collapse },
    { terse: asked.terse, collapse: true },
    { terse: true, collapse: true },
  ];
  const details: Detail[] = [asked.stackShapes, true]
    .flatMap((stackShapes) => lessDetail.map((d) => ({ ...d, stackShapes })))
    .filter((d) => (!fixed.terse || d.terse === asked.terse) && (!fixed.stackShapes || d.stackShapes === asked.stackShapes) && (!fixed.collapse || d.collapse === asked.collapse))
    .filter((d, i, all) => all.findIndex((o) => o.terse === d.terse && o.stackShapes === d.stackShapes && o.collapse === d.collapse) === i);
  for (const [i, detail] of details.entries()) {
    if (i > 0 && (fitsYet() || (blocksFigure === false && !lessDetailFigure))) break;
    const before = candidates.length;
    for (const compact of compacts) for (const direction of directions) await sweep(direction, compact, detail, ...rowRange());
    await resize(candidates.slice(before));
  }
  let chosen = candidates[0]!;
  for (const c of candidates) if (better(c, chosen, print)) chosen = c;
  return { chosen, fits: chosen.faults.length === 0, tried: candidates.length, fixed, all: candidates };
}

/**
 * Layouts one arrangement may take to fit the width: a fit converges in two or three
 * (secant steps) from a good start; one that has not by six is an arrangement whose labels
 * do not fit.
 */
const FIT_LAYOUTS = 6;

/** Block sizes tried beyond the usual one, when text dominates a narrow figure. */
const BLOCK_SIZES = [1.5, 2.25, 3.4];
const SMALLER_BLOCK_SIZES = [0.85, 0.7];

/** How much a figure says: every label, or fewer; every layer, or modules as one block each; how its shapes are written. */
interface Detail {
  terse: boolean;
  stackShapes: boolean;
  collapse: boolean;
}

/** One line for the user: what was chosen, how it prints, how to force another. */
export function describeChoice(printed: PrintedFigure, widthText: string): string {
  const { arrangement, metrics, faults } = printed.chosen;
  const { blocks: isBlocks, lessDetail } = printed.chosen;
  const drawn = lessDetail ? (arrangement.collapse ? "folded only" : arrangement.terse ? "unrolled only" : "folded and unrolled") : "";
  const style = !isBlocks ? drawn : (arrangement.compact ? "compact slabs, " : "") + (arrangement.terse ? "terse labels, " : "") + (arrangement.stackShapes ? "shapes in two lines, " : "") + (arrangement.collapse ? "modules collapsed, " : "") + (arrangement.blockSize !== 1 ? `blocks ×${arrangement.blockSize}, ` : "");
  // A sequence figure has no rows to speak of: what it draws says it all.
  const lines = lessDetail ? "" : arrangement.rows === 1 ? "one row" : `${arrangement.rows} ${arrangement.direction === "right" ? "rows" : "columns"}`;
  const flow = !isBlocks ? "" : arrangement.direction === "right" ? " flowing right" : " flowing down";
  const blocks = metrics.blocks > 0 ? `, blocks ${metrics.medianBlockPt.toFixed(0)} pt tall (median)` : "";
  const size = `${metrics.heightPt.toFixed(0)} pt tall${blocks}`;
  // Stacked shapes are tried only when nothing else fits: their flag is news only where they were chosen.
  const stack = arrangement.stackShapes ? "--[no-]stack-shapes, " : "";
  // A style that lays a figure out one way only (the Transformer diagram) has nothing to force.
  const only = !isBlocks && !lessDetail && printed.tried === 1;
  const force = isBlocks
    ? `force another with --rows N, --direction right|down, --[no-]compact, --[no-]terse, ${stack}--[no-]collapse, --block-size K`
    : lessDetail
      ? "force another with --[no-]terse (unrolled only), --[no-]collapse (folded only)"
      : "force another with --rows N";
  if (printed.fits) return `netfig: ${widthText}: ${style}${lines}${flow}, ${size} (${only ? "its only arrangement" : `best of ${printed.tried}; ${force}`})`;
  const instead = only ? "try --font-size, --max-height, --labels" : `${force}, or try --font-size, --max-height, --labels`;
  return `netfig: warning: nothing tried fits ${widthText}; the closest, ${style}${lines}${flow}, has ${faults.join(", ")} (${instead})`;
}
