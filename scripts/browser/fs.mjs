// node:fs for the browser build: there are no files; a path a user names is simply not there.
function unavailable(name) {
  return () => {
    throw new Error(`netfig (browser build): ${name} needs a file system; give the model as text or bytes`);
  };
}
export const existsSync = () => false;
export const statSync = unavailable("statSync");
export const readFileSync = unavailable("readFileSync");
export const readdirSync = unavailable("readdirSync");
export const openSync = unavailable("openSync");
export const readSync = unavailable("readSync");
export const closeSync = unavailable("closeSync");
export const writeFileSync = unavailable("writeFileSync");
export default { existsSync, statSync, readFileSync, readdirSync, openSync, readSync, closeSync, writeFileSync };
