import type { Command } from "commander";
import { summarize, summaryJson } from "../../analyze/summary.js";
import { formatSummary } from "../../analyze/format.js";
import { loadAnalyzed } from "../io.js";
import { runCommand } from "../report.js";
import type { CommandContext } from "../main.js";

export function registerSummary(program: Command, context: CommandContext): void {
  program
    .command("summary")
    .description("print the per-layer table: output shape, parameters, MACs, receptive field")
    .argument("<file>", "a .netfig file, a bundled template name, or - for stdin")
    .option("--json", "print the analysis as JSON instead of a table")
    .action(async (file: string, options: { json?: boolean }) => {
      context.exitCode = await runCommand(async () => {
        const summary = summarize(await loadAnalyzed(file));
        process.stdout.write(options.json ? summaryJson(summary) : formatSummary(summary));
      });
    });
}
