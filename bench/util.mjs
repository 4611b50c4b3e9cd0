// Timing and printing shared by the benchmarks.

/** Best wall time in ms of `fn` (sync or async) over `runs` runs after `warmup` runs, stopping early after `budgetMs`. */
export async function best(fn, { runs = 30, warmup = 3, budgetMs = 15000 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  let min = Infinity;
  const start = performance.now();
  for (let i = 0; i < runs && performance.now() - start < budgetMs; i++) {
    const t = performance.now();
    await fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/** Prints a table: name, time, rate (when `gflops` is given) and the ratio to the first row. */
export function report(title, rows, unit) {
  console.log(`\n${title}`);
  const base = rows[0].ms;
  for (const r of rows) {
    const rate = r.gflops === undefined ? "" : `${r.gflops.toFixed(1).padStart(7)} ${unit}`;
    const extra = r.extra ? `  ${r.extra}` : "";
    console.log(`  ${r.name.padEnd(44)} ${r.ms.toFixed(1).padStart(8)} ms ${rate}  ×${(base / r.ms).toFixed(2)} vs first${extra}`);
  }
}
