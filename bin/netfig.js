#!/usr/bin/env node
// The command line runs from one bundle of the compiled modules (dist/cli/bundle/, made by
// scripts/build-cli.mjs after tsc), which loads in a fraction of the time of the 120 modules
// it holds. It is used only while it is current: when any dist/ file it was made of is newer
// than it (a `tsc` ran since, and may have changed it), or it is missing, the same code runs
// from dist/ module by module, slower but never stale. `npm test` rebuilds the bundle, so
// the tests run what users run.
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

function bundleIsCurrent() {
  const built = statSync(`${root}dist/cli/bundle/netfig.js`, { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return false;
  try {
    const inputs = JSON.parse(readFileSync(`${root}dist/cli/bundle/inputs.json`, "utf8"));
    return inputs.every((file) => (statSync(root + file, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) <= built);
  } catch {
    return false;
  }
}

const { main } = await import(bundleIsCurrent() ? "../dist/cli/bundle/netfig.js" : "../dist/cli/main.js");
process.exitCode = await main(process.argv.slice(2));
