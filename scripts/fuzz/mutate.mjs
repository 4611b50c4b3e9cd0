/**
 * Mutators for the fuzz harness: each takes a `.netfig` text and a random source and
 * returns a new text. Together they make the inputs the issue found crashes with: byte
 * flips, token deletions, duplications and swaps, numbers replaced by 0, −1, 1e12 and
 * huge values, deep nesting, long lines, NUL bytes, spliced lines and expansion bombs.
 */

/** mulberry32: a small seeded generator, so input N of seed S is the same on every machine. */
export function random(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const TOKEN = /->|[A-Za-z_][\w.]*|\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:[x×]\d+)*|"[^"\n]*"|\s+|./g;
const NUMBER = /\d+(?:\.\d+)?(?:e[+-]?\d+)?/g;
const NUMBERS = ["0", "-1", "1e12", "1e308", "99999999999999999999", "2147483648", "0.5", "1e-300", "NaN", "65536"];
const NESTINGS = ["g: {\n", "add {\n", "concat {\n", "(", "[", "-", "repeat 2 {\n", "towers 2 {\n"];

function tokens(text) {
  return text.match(TOKEN) ?? [];
}

function lines(text) {
  return text.split("\n");
}

const mutators = {
  flipByte(text, r) {
    if (text.length === 0) return text;
    const i = r.int(text.length);
    const code = (text.charCodeAt(i) ^ (1 << r.int(7))) & 0x7f;
    return text.slice(0, i) + String.fromCharCode(code) + text.slice(i + 1);
  },
  deleteToken(text, r) {
    const t = tokens(text);
    if (t.length === 0) return text;
    t.splice(r.int(t.length), 1);
    return t.join("");
  },
  duplicateToken(text, r) {
    const t = tokens(text);
    if (t.length === 0) return text;
    const i = r.int(t.length);
    t.splice(i, 0, ...Array(1 + r.int(3)).fill(t[i]));
    return t.join("");
  },
  swapTokens(text, r) {
    const t = tokens(text);
    if (t.length < 2) return text;
    const i = r.int(t.length);
    const j = r.int(t.length);
    [t[i], t[j]] = [t[j], t[i]];
    return t.join("");
  },
  replaceNumber(text, r) {
    const found = [...text.matchAll(NUMBER)];
    if (found.length === 0) return text;
    const m = r.pick(found);
    return text.slice(0, m.index) + r.pick(NUMBERS) + text.slice(m.index + m[0].length);
  },
  deepNesting(text, r) {
    const l = lines(text);
    const at = r.int(l.length + 1);
    const open = r.pick(NESTINGS);
    const depth = r.pick([50, 300, 3000, 10000]);
    const close = { "(": ")", "[": "]", "-": "" }[open] ?? "}\n";
    const inner = open === "(" || open === "[" || open === "-" ? `conv ${open.repeat(depth)}1${close.repeat(r.int(2) * depth)}` : `${open.repeat(depth)}relu\n${close.repeat(r.int(2) * depth)}`;
    l.splice(at, 0, inner);
    return l.join("\n");
  },
  longLine(text, r) {
    const l = lines(text);
    const i = r.int(l.length);
    const unit = r.pick([" -> relu", "x3", "+1", " relu", `"${"a".repeat(50)}"`, " conv 8 3x3"]);
    l[i] = l[i] + unit.repeat(r.pick([100, 2000, 20000]));
    return l.join("\n");
  },
  nulBytes(text, r) {
    const i = r.int(text.length + 1);
    return text.slice(0, i) + "\u0000".repeat(1 + r.int(8)) + text.slice(i);
  },
  controlCharacters(text, r) {
    const i = r.int(text.length + 1);
    return text.slice(0, i) + r.pick(["\u001b[31m", "\r", "\u0007", "\u007f", "\\\n", '"\u001b]0;x\u0007"']) + text.slice(i);
  },
  spliceLines(text, r, other) {
    const a = lines(text);
    const b = lines(other);
    const count = 1 + r.int(Math.min(8, b.length));
    const from = r.int(b.length);
    a.splice(r.int(a.length + 1), 0, ...b.slice(from, from + count));
    return a.join("\n");
  },
  duplicateLines(text, r) {
    const l = lines(text);
    const i = r.int(l.length);
    const copies = r.pick([2, 10, 1000]);
    // A line grown long by earlier mutations, copied a thousand times, would pass the largest
    // string V8 can make before the size check in mutant() sees it.
    if (text.length + (l[i].length + 1) * copies > MAX_INPUT_CHARS) return text;
    l.splice(i, 0, ...Array(copies).fill(l[i]));
    return l.join("\n");
  },
  expansionBomb(text, r) {
    const l = lines(text);
    const at = 1 + r.int(l.length);
    const bomb = r.pick([
      "repeat 1e12 maxpool 2x2/2",
      "block bomb_a() {\n  bomb_a() -> bomb_a()\n}\nbomb_a()",
      "towers 1e12 {\n  relu\n}",
      "repeat 1000 {\n  repeat 1000 {\n    relu\n  }\n}",
      "block bomb_b() {\n  repeat 1e9 relu\n}\nbomb_b()",
      "block b0() {\n  relu\n}\nblock b1() {\n  b0() -> b0() -> b0() -> b0()\n}\nblock b2() {\n  b1() -> b1() -> b1() -> b1()\n}\nblock b3() {\n  b2() -> b2() -> b2() -> b2()\n}\nblock b4() {\n  b3() -> b3() -> b3() -> b3()\n}\nblock b5() {\n  b4() -> b4() -> b4() -> b4()\n}\nblock b6() {\n  b5() -> b5() -> b5() -> b5()\n}\nblock b7() {\n  b6() -> b6() -> b6() -> b6()\n}\nblock b8() {\n  b7() -> b7() -> b7() -> b7()\n}\nblock b9() {\n  b8() -> b8() -> b8() -> b8()\n}\nb9()",
      "upsample 65536 -> upsample 65536 -> upsample 65536",
      "network n {\n".repeat(20),
    ]);
    l.splice(at, 0, bomb);
    return l.join("\n");
  },
};

export const MUTATORS = Object.keys(mutators);

/**
 * The longest input made: a long line duplicated a thousand times reaches 160 MB, which the
 * command line refuses unread (it reads at most 64 MiB; tests/robustness/cli.test.ts), so a
 * mutation past this size is dropped.
 */
const MAX_INPUT_CHARS = 8_000_000;

/** Input `index` of `seed`: one to four mutations of one seed text, the same every time. */
export function mutant(seeds, seed, index) {
  const r = random((seed * 0x9e3779b1) ^ (index * 0x85ebca6b));
  const base = r.pick(seeds);
  let text = base.text;
  const applied = [];
  const count = 1 + r.int(4);
  for (let i = 0; i < count; i++) {
    const name = r.pick(MUTATORS);
    const mutated = mutators[name](text, r, r.pick(seeds).text);
    if (mutated.length > MAX_INPUT_CHARS) continue;
    applied.push(name);
    text = mutated;
  }
  return { text, seed: base.name, mutations: applied };
}
