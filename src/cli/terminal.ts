/**
 * Text for a terminal: control characters (ESC, NUL, BEL, a lone CR…) written as `\x1b`
 * instead, so that names and labels from a file cannot move the cursor or retitle the window.
 * Line breaks and tabs stay.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
