// node:path for the browser build: the POSIX functions the library calls on names (no file system behind them).
export const sep = "/";
function normalize(path) {
  const absolute = path.startsWith("/");
  const parts = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return (absolute ? "/" : "") + parts.join("/");
}
export function join(...paths) {
  return normalize(paths.filter((p) => p !== "").join("/")) || ".";
}
export function resolve(...paths) {
  let path = "";
  for (const p of paths) path = p.startsWith("/") ? p : `${path}/${p}`;
  return normalize(path.startsWith("/") ? path : `/${path}`);
}
export function dirname(path) {
  const i = path.replace(/\/+$/, "").lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}
export function basename(path, ext) {
  const base = path.replace(/\/+$/, "").split("/").pop() ?? "";
  return ext && base.endsWith(ext) && base !== ext ? base.slice(0, -ext.length) : base;
}
export function extname(path) {
  const base = basename(path);
  const i = base.lastIndexOf(".");
  return i <= 0 ? "" : base.slice(i);
}
export const posix = { sep, join, resolve, dirname, basename, extname };
export default posix;
