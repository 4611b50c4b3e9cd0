/**
 * The execute stage for figures that show numbers (`style: arithmetic`): runs the network
 * once, as the file writes it, and hands every tensor the run made or read on as plain data.
 * The figure style asks for it (`needs: "execution"`, see styles/types.ts) and the pipeline
 * runs it before layout; layout and scene only read the result, they never start the engine.
 *
 * Inputs are the file's `values=` (seeded noise where it gives none), weights the file's
 * `weights=` (seeded initialisation for every other parameter, so a literal filter without
 * a bias computes exactly what it says), on one thread: the run is small and the same every time.
 */

import type { AnalyzedNetwork } from "../analyze/types.js";
import type { InitSpec } from "../engine/init.js";
import type { Tensor } from "../engine/tensor.js";
import type { WeightSource } from "../engine/weights.js";

/** What one forward pass made and used, by name. Plain data: nothing in it runs. */
export interface Execution {
  /** Every layer's output by layer id (inputs included), PyTorch layout without the batch (`[C, H, W]`, `[N]`). */
  outputs: ReadonlyMap<string, Tensor>;
  /**
   * Every parameter the layers read, by state-dict name (`conv1.weight`), exactly as the run
   * used it: a figure that shows a filter shows the filter the conv computed with.
   */
  parameters: ReadonlyMap<string, Tensor>;
}

/** A weight source that keeps what it serves, so the parameters a run used can be handed on. */
class RecordingWeights implements WeightSource {
  readonly served = new Map<string, Tensor>();

  constructor(private readonly source: WeightSource) {}

  get(name: string, shape: readonly number[], init: InitSpec): Tensor {
    const tensor = this.source.get(name, shape, init);
    this.served.set(name, tensor);
    return tensor;
  }
}

/** The seed of the run: a figure's numbers do not change between renders. */
const SEED = 0;

/** Runs the network forward once and returns every output and every parameter it used. */
export async function executeNetwork(network: AnalyzedNetwork): Promise<Execution> {
  // Loaded here, not at the top: the engine (and its worker pool) loads only for figures that need it.
  const [{ ComputePool }, { runNetwork }, { LiteralWeights, literalInputs }, { SeededWeights }] = await Promise.all([
    import("../engine/pool.js"),
    import("./run.js"),
    import("./literal.js"),
    import("../engine/weights.js"),
  ]);
  const weights = new RecordingWeights(new LiteralWeights(network, new SeededWeights(SEED)));
  const pool = new ComputePool(1);
  try {
    const outputs = await runNetwork(network, { weights, pool, seed: SEED, inputs: literalInputs(network), keepAll: true });
    return { outputs, parameters: weights.served };
  } finally {
    await pool.close();
  }
}
