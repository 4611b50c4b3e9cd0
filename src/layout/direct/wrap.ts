/**
 * Breaking a chain into rows, the way a paragraph breaks into lines. Break points lie
 * between series parts only (never inside a fan, a residual block or a side chain's fork),
 * between top-level stages by preference; a stage too long for a row opens, and its frame
 * is drawn as one part per row it spans.
 */
import type { GroupItem, Item, Size } from "./structure.js";

/** A piece of the chain no row break may enter, with the frames around it, outermost first. */
export interface Atom {
  items: Item[];
  path: GroupItem[];
  len: number;
}

/** Along-the-flow gap between consecutive items; the same as the layout's. */
export interface WrapMetrics {
  gap: number;
  /** The measured size of an item or a chain (as the layout measures it). */
  measure: (items: Item[]) => Size;
}

/** A row break inside a stage may make rows at most this much longer than the best break anywhere. */
const SLACK = 1.3;
/** No row shorter than this share of the longest (a lone classifier on a last row reads as a stray); fewer rows rather than one. */
const MIN_ROW = 0.25;
/** The exact search tries every row start for every row end and row: past this many steps, the greedy split instead. */
const EXACT_BREAK_WORK = 20_000_000;

/**
 * The chain's atoms for `rows` rows: top-level parts, with stages longer than a row's
 * share opened into their parts (recursively). A side chain stays with the part it leaves.
 */
export function atomsOf(chain: Item[], rows: number, metrics: WrapMetrics): Atom[] {
  const total = metrics.measure(chain).len;
  const share = total / rows;
  const atoms: Atom[] = [];
  const visit = (items: Item[], path: GroupItem[]): void => {
    for (const item of items) {
      if (item.kind === "side") {
        const last = atoms[atoms.length - 1];
        if (last && last.path.length === path.length) {
          last.items.push(item);
          last.len = metrics.measure(last.items).len;
          continue;
        }
        // A side chain leaving an opened stage's last part follows that part; no break comes before it.
        atoms.push({ items: [item], path, len: metrics.measure(item.items).len + metrics.gap });
        continue;
      }
      if (item.kind === "group" && rows > 1 && metrics.measure([item]).len > share && item.items.length > 1) {
        visit(item.items, [...path, item]);
        continue;
      }
      atoms.push({ items: [item], path, len: metrics.measure([item]).len });
    }
  };
  visit(chain, []);
  return atoms;
}

function endsInFan(items: Item[]): boolean {
  const last = items.filter((i) => i.kind !== "side").at(-1);
  if (!last) return false;
  if (last.kind === "parallel") return true;
  return last.kind === "group" && endsInFan(last.items);
}

/** How deep a break before atom `i` cuts: the number of frames it splits. */
function breakDepth(atoms: Atom[], i: number): number {
  const a = atoms[i - 1]!.path;
  const b = atoms[i]!.path;
  let d = 0;
  while (d < a.length && d < b.length && a[d] === b[d]) d++;
  return d;
}

/**
 * Splits the atoms into at most `rows` consecutive runs: as many as keep every row at
 * least `MIN_ROW` of the longest, with first the smallest possible longest row, then,
 * among splits within `SLACK` of it, the one that cuts fewest frames.
 * No break comes before an item `joined` to the one before it (slabs face to face). Returns the index of each row's first atom.
 */
export function breakRows(atoms: Atom[], rows: number, gap: number, joined: (item: Item) => boolean): number[] {
  const n = atoms.length;
  const allowed = (i: number): boolean =>
    i > 0 && i < n && atoms[i]!.items[0]!.kind !== "side" && !joined(atoms[i]!.items[0]!) && !endsInFan(atoms[i - 1]!.items);
  const prefix = [0];
  for (const a of atoms) prefix.push(prefix[prefix.length - 1]! + a.len);
  /** A row's length: its atoms and the gaps between them, and before them the hand-over's gap in a later row. */
  const content = (i: number, j: number): number => prefix[j]! - prefix[i]! + gap * (j - i - 1);
  const length = (i: number, j: number): number => content(i, j) + (i > 0 ? gap : 0);
  const k = Math.max(1, Math.min(rows, n));
  if (k * n * n > EXACT_BREAK_WORK) return greedyRows(n, k, allowed, length);
  // longest[r][j]: the smallest longest row splitting atoms [0, j) into r rows.
  const longest: number[][] = [Array.from({ length: n + 1 }, (_, j) => (j === 0 ? 0 : Infinity))];
  for (let r = 1; r <= k; r++) {
    const row = new Array<number>(n + 1).fill(Infinity);
    for (let j = 1; j <= n; j++) {
      if (j < n && !allowed(j)) continue;
      for (let i = 0; i < j; i++) {
        if (i > 0 && !allowed(i)) continue;
        const before = r === 1 ? (i === 0 ? 0 : Infinity) : longest[r - 1]![i]!;
        if (before === Infinity) continue;
        row[j] = Math.min(row[j]!, Math.max(before, length(i, j)));
      }
    }
    longest.push(row);
  }
  // As many rows as asked for, when the break points allow that many.
  let rowsUsed = k;
  while (rowsUsed > 1 && longest[rowsUsed]![n] === Infinity) rowsUsed--;
  // cut[r][j]: fewest frames cut splitting [0, j) into r rows no longer than SLACK times the
  // smallest longest row for `rows` rows, and none shorter than `shortest`.
  const split = (rows: number, shortest: number): number[][] | undefined => {
    const limit = longest[rows]![n]! * SLACK;
    const cut: number[][] = [Array.from({ length: n + 1 }, (_, j) => (j === 0 ? 0 : Infinity))];
    const from: number[][] = [[]];
    for (let r = 1; r <= rows; r++) {
      const row = new Array<number>(n + 1).fill(Infinity);
      const back = new Array<number>(n + 1).fill(-1);
      for (let j = 1; j <= n; j++) {
        if (j < n && !allowed(j)) continue;
        for (let i = 0; i < j; i++) {
          if (i > 0 && !allowed(i)) continue;
          const before = r === 1 ? (i === 0 ? 0 : Infinity) : cut[r - 1]![i]!;
          if (before === Infinity || length(i, j) > limit || content(i, j) < shortest) continue;
          // Fewer cut frames first; then the break later, so that rows fill from the top.
          const cost = before + (i > 0 ? breakDepth(atoms, i) : 0);
          if (cost < row[j]! || (cost === row[j]! && i > back[j]!)) {
            row[j] = cost;
            back[j] = i;
          }
        }
      }
      cut.push(row);
      from.push(back);
    }
    return cut[rows]![n] === Infinity ? undefined : from;
  };
  // Fewer rows rather than a stray one: the most rows, up to as many as asked for, that keep
  // every row at least MIN_ROW of the longest; only when none do, as many as asked for.
  let from: number[][] | undefined;
  let work = 0;
  for (let r = rowsUsed; r > 1 && !from && work <= EXACT_BREAK_WORK; r--) {
    work += r * n * n;
    from = split(r, longest[r]![n]! * MIN_ROW);
    if (from) rowsUsed = r;
  }
  from ??= split(rowsUsed, 0)!;
  const starts: number[] = [];
  let j = n;
  for (let r = rowsUsed; r >= 1; r--) {
    const i = from[r]![j]!;
    starts.unshift(i);
    j = i;
  }
  return starts;
}

/**
 * Rows for a chain too long for the exact search (a 25,000-block chain in 40 rows): the
 * smallest longest row found by bisection, each feasibility test one pass that breaks at
 * the last allowed point before a row grows too long (which is optimal for a given
 * length), then that split. Linear in the atoms per test; frames cut are not weighed.
 */
function greedyRows(n: number, rows: number, allowed: (i: number) => boolean, length: (i: number, j: number) => number): number[] {
  const breakable = Array.from({ length: n }, (_, i) => allowed(i));
  /** Row starts keeping every row within `limit`, as few as the break points allow; undefined when that takes more than `rows` rows or cannot be done. */
  const fill = (limit: number): number[] | undefined => {
    const starts = [0];
    let lastAllowed = -1;
    for (let j = 1; j <= n; j++) {
      const start = starts[starts.length - 1]!;
      if (length(start, j) > limit) {
        // No break point since the row began: this row cannot be kept within the limit.
        if (lastAllowed <= start) return undefined;
        starts.push(lastAllowed);
        if (starts.length > rows || length(lastAllowed, j) > limit) return undefined;
      }
      if (j < n && breakable[j]) lastAllowed = j;
    }
    return starts;
  };
  let low = 0;
  let high = length(0, n);
  for (let i = 0; i < 60 && high - low > 1e-6 * high; i++) {
    const middle = (low + high) / 2;
    if (fill(middle)) high = middle;
    else low = middle;
  }
  return fill(high)!;
}

/** A frame cut by row breaks: its part in a later row gets an id of its own. */
export interface FramePart {
  id: string;
  of: string;
}

/**
 * Rebuilds one row's chain from its atoms: consecutive atoms inside the same frame share
 * one group for that frame's part in this row.
 */
export function rowChain(atoms: Atom[], partId: (frame: string) => string): Item[] {
  const build = (list: Atom[], depth: number): Item[] => {
    const out: Item[] = [];
    for (let i = 0; i < list.length; ) {
      const group = list[i]!.path[depth];
      if (group === undefined) {
        out.push(...list[i]!.items);
        i++;
        continue;
      }
      let j = i;
      while (j < list.length && list[j]!.path[depth] === group) j++;
      out.push({ kind: "group", frame: partId(group.frame), items: build(list.slice(i, j), depth + 1) });
      i = j;
    }
    return out;
  };
  return build(atoms, 0);
}
