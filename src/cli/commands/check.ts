import type { Command } from "commander";
import { summarize } from "../../analyze/summary.js";
import { formatCheckLine } from "../../analyze/format.js";
import { loadAnalyzed } from "../io.js";
import { runCommand } from "../report.js";
import type { CommandContext } from "../main.js";

export function registerCheck(program: Command, context: CommandContext): void {
  program
    .command("check")
    .description("check every shape; print one line with totals, or the errors (exit 1)")
    .argument("<file>", "a .netfig file, a bundled template name, or - for stdin")
    .action(async (file: string) => {
      context.exitCode = await runCommand(async () => {
        const summary = summarize(await loadAnalyzed(file));
        for (const network of summary.networks) process.stdout.write(formatCheckLine(network) + "\n");
      });
    });
}
