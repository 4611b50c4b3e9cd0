/**
 * Shrinks a failing input to a small reproduction: delta debugging (Zeller's ddmin) over
 * lines, then over characters, keeping a candidate only when it fails the same way (same
 * outcome, same detail). Each try runs in a worker with a timeout (a fresh one after a hang), so hangs shrink too.
 */

import { textRunner } from "./run.mjs";

const MAX_TRIES = 400;

async function ddmin(parts, join, fails, budget) {
  let chunks = 2;
  while (parts.length >= 2 && budget.tries < MAX_TRIES) {
    const size = Math.ceil(parts.length / chunks);
    let reduced = false;
    for (let start = 0; start < parts.length && budget.tries < MAX_TRIES; start += size) {
      const candidate = [...parts.slice(0, start), ...parts.slice(start + size)];
      budget.tries++;
      if (candidate.length > 0 && (await fails(join(candidate)))) {
        parts = candidate;
        chunks = Math.max(chunks - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (chunks >= parts.length) break;
      chunks = Math.min(parts.length, chunks * 2);
    }
  }
  return parts;
}

/** The smallest text found that still fails as `failure` did (its outcome and detail). */
export async function minimise(failure, { timeoutMs = 5000 } = {}) {
  const runner = textRunner({ timeoutMs });
  const fails = async (text) => {
    const result = await runner.run(text, failure.detail.startsWith("render:"));
    return result.outcome === failure.outcome && result.detail === failure.detail;
  };
  try {
    const budget = { tries: 0 };
    const lines = await ddmin(failure.text.split("\n"), (l) => l.join("\n"), fails, budget);
    const characters = await ddmin([...lines.join("\n")], (c) => c.join(""), fails, budget);
    return characters.join("");
  } finally {
    await runner.close();
  }
}
