import type { Command } from "commander";
import { selectNetworks } from "../../analyze/network.js";
import { summarize } from "../../analyze/summary.js";
import { formatCheckLine } from "../../analyze/format.js";
import { loadModel } from "../io.js";
import { runCommand } from "../report.js";
import type { CommandContext } from "../main.js";
import { terminalSafe } from "../terminal.js";

export function registerCheck(program: Command, context: CommandContext): void {
  program
    .command("check")
    .description("check every shape; print one line with totals, or the errors (exit 1)")
    .argument("<file>", "a .netfig file, a bundled template name, or - for stdin")
    .option("--network <name>", "check only this network of the file (default: all)")
    .action(async (file: string, flags: { network?: string }) => {
      context.exitCode = await runCommand(async () => {
        const { analyzed } = await loadModel(file);
        const summary = summarize(selectNetworks(analyzed, flags.network));
        for (const network of summary.networks) process.stdout.write(terminalSafe(formatCheckLine(network)) + "\n");
      });
    });
}
