// A V8 code cache for the CommonJS packages the command line loads (fontkit and what it
// requires, for text that needs shaping), made at build time beside the bundle's
// (scripts/code-cache.mjs): compiling fontkit's modules took a fifth of a small PDF's run.
// Node 20 compiles a CommonJS module in Module.prototype._compile; while the cache is in use,
// a module it has an entry for is compiled here instead, as a script handed its cached code,
// and run as Node runs it.
// An entry is used only for the very file it was made from — same inode, size and change time
// (npm gives every file it unpacks one fixed modification time, but the change time is when
// the file was written) — and V8 rejects a cache from another Node or with other flags; the
// module is then compiled anew.
const Module = require("node:module");
const { closeSync, openSync, readSync, renameSync, statSync, writeFileSync } = require("node:fs");
const { dirname, join, relative } = require("node:path");
const { Script, constants } = require("node:vm");

const root = join(__dirname, "..");
const cacheFile = join(root, "dist", "cli", "bundle", "packages.cache");
/** The modules compiled from the cache in this process, and those whose cache V8 rejected. */
const packageCacheUse = { accepted: [], rejected: [] };

/** What tells one version of a file from another: its inode, size and change time. */
function fileIdentity(filename) {
  const { ino, size, ctimeMs } = statSync(filename);
  return `${ino}:${size}:${ctimeMs}`;
}

/** The `require` Node gives a module: resolution from it, and `module.children` kept. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/** Compiles and runs a module's source as Node would, with `cachedData` if given; returns the script. */
function compileModule(module, content, filename, cachedData) {
  const script = new Script(Module.wrap(content), { filename, cachedData, importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
  script.runInThisContext({ displayErrors: true }).call(module.exports, module.exports, requireFor(module), module, filename, dirname(filename));
  return script;
}

/**
 * The cache file: a 4-byte length, then a JSON index — each module's path relative to the
 * package, with its file's identity, its source's length and where its cached code lies —
 * then the codes.
 */
function readIndex(fd) {
  const length = Buffer.alloc(4);
  if (readSync(fd, length, 0, 4, 0) !== 4) return undefined;
  const json = Buffer.alloc(length.readUInt32LE(0));
  if (readSync(fd, json, 0, json.length, 4) !== json.length) return undefined;
  return { index: new Map(Object.entries(JSON.parse(json.toString("utf8")))), start: 4 + json.length };
}

/** Compiles the packages' modules from the cache made at build time, where it has them. */
function usePackageCodeCache() {
  let fd;
  let table;
  try {
    fd = openSync(cacheFile, "r");
    table = readIndex(fd);
  } catch {
    if (fd !== undefined) closeSync(fd);
    return;
  }
  if (!table) return closeSync(fd);
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    const entry = table.index.get(relative(root, filename));
    if (!entry || entry.length !== content.length || entry.file !== fileIdentity(filename)) return compile.call(this, content, filename);
    const cachedData = Buffer.alloc(entry.size);
    readSync(fd, cachedData, 0, entry.size, table.start + entry.offset);
    const script = compileModule(this, content, filename, cachedData);
    packageCacheUse[script.cachedDataRejected ? "rejected" : "accepted"].push(filename);
  };
}

/** For the build: compiles every package module loaded from now on itself, keeping its script. */
function recordPackageCompiles() {
  const recorded = new Map();
  const compile = Module.prototype._compile;
  Module.prototype._compile = function (content, filename) {
    if (!filename.includes(`${"/"}node_modules${"/"}`)) return compile.call(this, content, filename);
    recorded.set(filename, { content, script: compileModule(this, content, filename, undefined) });
  };
  return recorded;
}

/** For the build: writes the code V8 compiled for the recorded modules (whole, then renamed into place). */
function writePackageCodeCache(recorded) {
  const index = {};
  const codes = [];
  let offset = 0;
  for (const [filename, { content, script }] of recorded) {
    const code = script.createCachedData();
    index[relative(root, filename)] = { length: content.length, file: fileIdentity(filename), offset, size: code.length };
    codes.push(code);
    offset += code.length;
  }
  const json = Buffer.from(JSON.stringify(index), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  const temporary = `${cacheFile}.${process.pid}.tmp`;
  writeFileSync(temporary, Buffer.concat([length, json, ...codes]));
  renameSync(temporary, cacheFile);
}

module.exports = { packageCacheFile: cacheFile, packageCacheUse, usePackageCodeCache, recordPackageCompiles, writePackageCodeCache };
