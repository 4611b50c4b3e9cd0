import { extname } from "node:path";
import type { Command } from "commander";
import { OPSET } from "../../export/onnx/opset.js";
import { pickNetwork } from "../../analyze/network.js";
import { positiveInt } from "../execution.js";
import { loadModel, writeOutput } from "../io.js";
import { version, type CommandContext } from "../main.js";
import { runCommand, UsageError } from "../report.js";

interface ExportFlags {
  output?: string;
  seed?: string;
  weights?: string;
  network?: string;
  batch?: string;
}

/** `--batch`: a fixed size, or a name that makes the batch dimension symbolic. */
function batchDimension(text: string | undefined): number | string {
  if (text === undefined) return 1;
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(text)) return text;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--batch: expected a positive whole number or a name such as 'batch', got '${text}'`);
  return n;
}

export function registerExport(program: Command, context: CommandContext): void {
  program
    .command("export")
    .description(`write the network as an ONNX model (opset ${OPSET}) with its weights, NCHW input, for onnxruntime and Netron`)
    .argument("<file>", "a .netfig file, a bundled template name, an .onnx model, or - for stdin")
    .requiredOption("-o, --output <file>", "the .onnx file to write, or - for stdout")
    .option("--seed <n>", "seed of the initialised weights, the same as netfig run --seed (default 1)")
    .option("--weights <file>", "a .safetensors file with PyTorch state-dict names (<layer>.weight, <layer>.bias, …) instead of seeded weights")
    .option("--network <name>", "which network of the file to export (default: the first)")
    .option("--batch <n|name>", "batch size, or a name for a symbolic batch dimension (default 1)")
    .action(async (file: string, flags: ExportFlags) => {
      context.exitCode = await runCommand(async () => {
        const output = flags.output!;
        if (output !== "-" && extname(output).toLowerCase() !== ".onnx") throw new UsageError(`--output: ${output} must end in .onnx`);
        const batch = batchDimension(flags.batch);
        const seed = positiveInt(flags.seed, "--seed", 1);
        // The exporter and the weights' setup (the engine's) load only for an export: every other command starts without them.
        const [{ exportOnnx }, { weightSource }] = await Promise.all([import("../../export/onnx/export.js"), import("../../execute/setup.js")]);
        const { analyzed, onnx } = await loadModel(file);
        const network = pickNetwork(analyzed, flags.network);
        const { weights, warnings } = weightSource(network, { weights: flags.weights, seed }, onnx);
        for (const warning of warnings) process.stderr.write(`netfig: ${warning}\n`);
        const bytes = exportOnnx(network, { weights, batch, version: version() });
        await writeOutput(output, bytes);
        if (output !== "-") process.stderr.write(`netfig: wrote ${output} (${network.layers.length} layers, ${network.totals.params.toLocaleString("en-US")} parameters)\n`);
      });
    });
}
