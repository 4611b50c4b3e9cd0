/**
 * One line of untrusted label text as drawn: control characters and line separators become
 * spaces, as SVG shows them, so no label starts a second line in a PDF, a slide or a comment.
 */
export function singleLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, " ");
}
