const SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹";
const SUBSCRIPT = "₀₁₂₃₄₅₆₇₈₉";

/** `20` → `²⁰`: the exponent of `ℝ²⁰`, as NN-SVG and textbooks write a layer's space. */
export function superscript(n: number): string {
  return [...String(n)].map((d) => SUPERSCRIPT[Number(d)]).join("");
}

/** `12` → `₁₂`: a time step's index (`x₁₂`). */
export function subscript(n: number): string {
  return [...String(n)].map((d) => SUBSCRIPT[Number(d)]).join("");
}
