import type { Command } from "commander";
import { selectNetworks } from "../../analyze/network.js";
import { summarize, summaryJson } from "../../analyze/summary.js";
import { formatSummary } from "../../analyze/format.js";
import { loadModel } from "../io.js";
import { runCommand } from "../report.js";
import type { CommandContext } from "../main.js";
import { terminalSafe } from "../terminal.js";

export function registerSummary(program: Command, context: CommandContext): void {
  program
    .command("summary")
    .description("print the per-layer table: output shape, parameters, MACs, receptive field")
    .argument("<file>", "a .netfig file, a bundled template name, or - for stdin")
    .option("--json", "print the analysis as JSON instead of a table")
    .option("--network <name>", "only this network of the file (default: all)")
    .action(async (file: string, options: { json?: boolean; network?: string }) => {
      context.exitCode = await runCommand(async () => {
        const { analyzed } = await loadModel(file);
        const summary = summarize(selectNetworks(analyzed, options.network));
        process.stdout.write(options.json ? summaryJson(summary) : terminalSafe(formatSummary(summary)));
      });
    });
}
