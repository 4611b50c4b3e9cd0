#!/usr/bin/env node
// The command line runs from one bundle of the compiled modules (bundle.js), which loads in a
// fraction of the time of the 120 modules it holds, while it is current; otherwise the same
// code runs from dist/ module by module. `npm test` rebuilds the bundle, so the tests run
// what users run. This folder is CommonJS (its package.json): an ES module entry alone costs
// Node 15 ms of start-up, a tenth of a small figure's whole run.
const { bundleIsCurrent, loadBundle } = require("./bundle.js");

const main = bundleIsCurrent() ? Promise.resolve(loadBundle().exports.main) : import("../dist/cli/main.js").then((m) => m.main);
main
  .then((run) => run(process.argv.slice(2)))
  .then((status) => {
    process.exitCode = status;
  });
