/**
 * Label text as LaTeX source that plain pdflatex typesets in the document's own font: every
 * character TeX gives a meaning (`\ { } $ & % # _ ^ ~`) or that OT1 fonts draw as something
 * else (`< > |`) becomes the command for the character itself, the symbols netfig writes
 * (× → ∈ ℝ, superscript and subscript digits, Greek) become the math they stand for inside
 * `\ensuremath`, and anything pdflatex cannot set without extra packages becomes a visible
 * `?` instead of an error. Nothing in a label can open math mode, close a group or run a
 * command: the only math is balanced, inside `\ensuremath`.
 */

import { singleLine } from "./single-line.js";

const ASCII: Record<string, string> = {
  "\\": "\\ensuremath{\\backslash}",
  "{": "\\{",
  "}": "\\}",
  // OT1 sets \$ from TS1, which METAFONT draws as a bitmap; math mode has it in Type 1.
  $: "\\ensuremath{\\$}",
  "&": "\\&",
  "%": "\\%",
  "#": "\\#",
  _: "\\_",
  "^": "\\textasciicircum{}",
  "~": "\\ensuremath{\\sim}",
  "<": "\\ensuremath{<}",
  ">": "\\ensuremath{>}",
  "|": "\\ensuremath{|}",
  // OT1 has no straight double quote; its closing quotes look the same at label sizes.
  '"': "''{}",
  // `--` and `---` would become dashes, `` ` `` and `'` pairs quotes, `!`` and `?`` Spanish marks.
  "-": "-{}",
  // Straight quotes are in no font pdflatex has without loading more (TS1 would be drawn by
  // METAFONT as bitmaps): OT1's curly ones, kept from pairing into double quotes.
  "`": "`{}",
  "'": "'{}",
  "!": "!{}",
  "?": "?{}",
};

const MATH: Record<string, string> = {
  "×": "\\times", "÷": "\\div", "·": "\\cdot", "−": "-", "∗": "\\ast", "±": "\\pm", "∘": "\\circ",
  "⊕": "\\oplus", "⊗": "\\otimes", "⊙": "\\odot", "∈": "\\in", "∑": "\\sum", "∏": "\\prod", "√": "\\surd",
  "≤": "\\leq", "≥": "\\geq", "≠": "\\neq", "≈": "\\approx", "∞": "\\infty", "∂": "\\partial", "∇": "\\nabla",
  "→": "\\rightarrow", "←": "\\leftarrow", "↑": "\\uparrow", "↓": "\\downarrow", "↔": "\\leftrightarrow", "⇒": "\\Rightarrow",
  "…": "\\ldots", "⋯": "\\cdots", "⋮": "\\vdots", "′": "\\prime",
  "ℝ": "\\mathbf{R}", "ℕ": "\\mathbf{N}", "ℤ": "\\mathbf{Z}",
  α: "\\alpha", β: "\\beta", γ: "\\gamma", δ: "\\delta", ε: "\\epsilon", ζ: "\\zeta", η: "\\eta", θ: "\\theta",
  ι: "\\iota", κ: "\\kappa", λ: "\\lambda", μ: "\\mu", ν: "\\nu", ξ: "\\xi", π: "\\pi", ρ: "\\rho", σ: "\\sigma",
  τ: "\\tau", υ: "\\upsilon", φ: "\\phi", χ: "\\chi", ψ: "\\psi", ω: "\\omega",
  Γ: "\\Gamma", Δ: "\\Delta", Θ: "\\Theta", Λ: "\\Lambda", Ξ: "\\Xi", Π: "\\Pi", Σ: "\\Sigma", Φ: "\\Phi", Ψ: "\\Psi", Ω: "\\Omega",
};

/** Typographic punctuation netfig writes (`conv1–3`, `layer1.1–2`): OT1 has each as a text glyph. */
const PUNCTUATION: Record<string, string> = {
  "–": "\\textendash{}", "—": "\\textemdash{}", "‘": "`{}", "’": "'{}", "“": "``{}", "”": "''{}",
};

const SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUBSCRIPTS = "₀₁₂₃₄₅₆₇₈₉";

/** Latin-1 letters (À–ÿ but × and ÷): pdflatex's default UTF-8 input sets them as accented letters in OT1. */
const LATIN1_LETTER = /^[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]$/;

function escapeChar(c: string): string {
  if (ASCII[c] !== undefined) return ASCII[c];
  if (c >= " " && c <= "~") return c;
  if (c < " " || c === "\u007f" || c === "\u2028" || c === "\u2029") return " ";
  if (MATH[c] !== undefined) return `\\ensuremath{${MATH[c]}}`;
  if (PUNCTUATION[c] !== undefined) return PUNCTUATION[c];
  const sup = SUPERSCRIPTS.indexOf(c);
  if (sup >= 0) return `\\ensuremath{^{${sup}}}`;
  const sub = SUBSCRIPTS.indexOf(c);
  if (sub >= 0) return `\\ensuremath{_{${sub}}}`;
  if (LATIN1_LETTER.test(c)) return c;
  if (c === "\u00a0") return "~";
  return "?{}";
}

/** One line of label text as LaTeX that sets exactly it. */
export function latexText(text: string): string {
  let out = "";
  for (const c of text) out += escapeChar(c);
  return out;
}

/** Text for a `%` comment: one line, whatever the text holds (NEL too, which some editors break a line at). */
export function latexComment(text: string): string {
  return singleLine(text).replace(/\u0085/g, " ");
}
