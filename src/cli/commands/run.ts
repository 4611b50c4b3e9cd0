import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Command } from "commander";
import { encodeNpy } from "../../engine/io/npy.js";
import type { Tensor } from "../../engine/tensor.js";
import { pickNetwork } from "../../analyze/network.js";
import { executeWithFlags, type ExecutionFlags } from "../execution.js";
import { systemReason } from "../../engine/io/invalid.js";
import { loadModel, OutputError, writeOutput } from "../io.js";
import type { CommandContext } from "../main.js";
import { runCommand } from "../report.js";
import { terminalSafe } from "../terminal.js";

interface RunFlags extends ExecutionFlags {
  dump?: string;
  network?: string;
}

/** A layer id or tensor name as a file name: tower lanes (`conv1/2`) and ONNX names (`/layer1/Relu_output_0`) must not become folders. */
function fileName(id: string): string {
  // Control characters become `_`; a name past what file systems allow keeps its start and a hash of the whole.
  const safe = id.replace(/^\/+/, "").replace(/[\/\\:]/g, "@").replace(/[\u0000-\u001f\u007f]/g, "_");
  if (Buffer.byteLength(safe) <= MAX_NAME_BYTES) return `${safe}.npy`;
  // node:crypto loads only for such a name: its modules cost every other command 1.5 ms of start-up.
  const { createHash } = require("node:crypto") as typeof import("node:crypto");
  return `${[...safe].slice(0, 40).join("")}~${createHash("sha256").update(id).digest("hex").slice(0, 16)}.npy`;
}

/** Bytes of a dump's file name before `.npy`: well under the 255 of common file systems. */
const MAX_NAME_BYTES = 200;

const require = createRequire(import.meta.url);

function makeFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new OutputError(`cannot make the folder ${path}: ${systemReason(error)}`);
  }
}

/** The top entries of a vector output, the way a classifier's result is read. */
function describeOutput(id: string, output: Tensor): string {
  const shape = `[1, ${output.shape.join(", ")}]`;
  if (output.shape.length !== 1) return `${id}: ${shape}`;
  const top = [...output.data.keys()].sort((a, b) => output.data[b]! - output.data[a]! || a - b).slice(0, 5);
  return `${id}: ${shape}, top ${top.length}: ${top.map((i) => `${i} (${output.data[i]!.toPrecision(4)})`).join(", ")}`;
}

export function registerRun(program: Command, context: CommandContext): void {
  program
    .command("run")
    .description("run the network on an input and print its outputs, or dump every layer's output as .npy")
    .argument("<file>", "a .netfig file, a bundled template name, or - for stdin")
    .option("--input <file>", "a PNG or JPEG image (resized, normalised) or a .npy tensor; default: the bundled sample image, or seeded noise for non-image inputs")
    .option("--weights <file>", "a .safetensors file with PyTorch state-dict names (<layer>.weight, <layer>.bias, …); default: seeded He/Xavier")
    .option("--seed <n>", "seed for the weights and noise inputs (default 1)")
    .option("--mean <list>", "per-channel mean for image inputs (default ImageNet's)")
    .option("--std <list>", "per-channel standard deviation for image inputs (default ImageNet's)")
    .option("--threads <n>", "worker threads for conv and fc (default and at most: all cores)")
    .option("--max-elements <n>", "the most values the run may compute over all layers (default 2^30, 4 GiB of float32)")
    .option("--network <name>", "which network of the file to run (default: the first)")
    .option("--dump <dir>", "write every layer's output as DIR/<layer>.npy ([1,C,H,W] / [1,N]) and DIR/index.json")
    .action(async (file: string, flags: RunFlags) => {
      context.exitCode = await runCommand(async () => {
        const { analyzed, onnx } = await loadModel(file);
        const network = pickNetwork(analyzed, flags.network);
        const index: Record<string, { file: string; shape: number[] }> = {};
        const dump = flags.dump;
        if (dump) makeFolder(dump);
        // Without --dump no layer's own output is read, so the run may apply a bn and ReLU in the conv before them.
        const outputs = await executeWithFlags(network, flags, {
          keepAll: false,
          onnx,
          ...(dump && {
            async onLayer(id: string, output: Tensor) {
              // An imported model's outputs go by the model's own tensor names.
              const name = onnx?.tensorNames.get(id) ?? id;
              const shape = [1, ...output.shape];
              await writeOutput(join(dump, fileName(name)), encodeNpy(output, shape));
              index[name] = { file: fileName(name), shape };
            },
          }),
        });
        if (dump) await writeOutput(join(dump, "index.json"), JSON.stringify(index, null, 2) + "\n");
        for (const [id, output] of outputs) process.stdout.write(terminalSafe(describeOutput(id, output)) + "\n");
      });
    });
}
