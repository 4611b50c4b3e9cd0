// The command line's bundle, dist/cli/bundle/netfig.cjs (made by scripts/build-cli.mjs after
// tsc): one CommonJS file holding the compiled modules of dist/ and commander, compiled by V8
// from the code cache the build made beside it (netfig.cache) instead of from source. Node 20
// has no code cache for ES modules, so the bundle is CommonJS and is compiled here, as a
// script, with the cache handed to V8; V8 rejects a cache from another Node or with other
// flags, and the bundle is then compiled from source as usual.
const { readFileSync, statSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join } = require("node:path");
const { Script, constants } = require("node:vm");
const { usePackageCodeCache } = require("./package-cache.js");

const root = join(__dirname, "..") + "/";
const bundleFile = `${root}dist/cli/bundle/netfig.cjs`;
const codeCacheFile = `${root}dist/cli/bundle/netfig.cache`;
const inputsFile = `${root}dist/cli/bundle/inputs.json`;

const mtime = (file) => statSync(file, { throwIfNoEntry: false })?.mtimeMs;

/**
 * Whether the bundle may run: it exists and no dist/ file it was made of (inputs.json) is
 * newer. After a `tsc` the same code runs from dist/ module by module, slower but never stale.
 */
function bundleIsCurrent() {
  const built = mtime(bundleFile);
  if (built === undefined) return false;
  try {
    const inputs = JSON.parse(readFileSync(inputsFile, "utf8"));
    return inputs.every((file) => (mtime(root + file) ?? Infinity) <= built);
  } catch {
    return false;
  }
}

/**
 * Compiles and runs the bundle; returns its exports (`main`), the compiled script (the build
 * asks it for the code cache) and what became of the cache: "accepted", "rejected" or "none". The cache is used only when it was written after the
 * bundle: V8 checks a cache against the source's length, not its text.
 */
function loadBundle({ useCache = true } = {}) {
  // ASCII only (scripts/build-cli.mjs), so read without decoding UTF-8.
  const source = readFileSync(bundleFile, "latin1");
  const cacheIsNewer = useCache && (mtime(codeCacheFile) ?? -Infinity) >= mtime(bundleFile);
  const cachedData = cacheIsNewer ? readFileSync(codeCacheFile) : undefined;
  if (cachedData) usePackageCodeCache();
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundleFile,
    cachedData,
    importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundleFile), module, bundleFile, `${root}dist/cli/bundle`);
  const cache = cachedData === undefined ? "none" : script.cachedDataRejected ? "rejected" : "accepted";
  return { exports: module.exports, script, cache };
}

module.exports = { bundleFile, codeCacheFile, bundleIsCurrent, loadBundle };
