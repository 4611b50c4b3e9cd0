// Preloaded (`node --import bench/report-rss.mjs …`) into a process whose peak memory a
// benchmark wants: prints the process's own maximum resident set size on exit, on
// stderr, so no `/usr/bin/time` is needed.
process.on("exit", () => process.stderr.write(`netfig-bench-max-rss-kib ${process.resourceUsage().maxRSS}\n`));
