import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { registerCheck } from "./commands/check.js";
import { registerExport } from "./commands/export.js";
import { registerRender } from "./commands/render.js";
import { registerRun } from "./commands/run.js";
import { registerServe } from "./commands/serve.js";
import { registerSummary } from "./commands/summary.js";
import { registerTemplates } from "./commands/templates.js";
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE } from "./report.js";

/** Where a command leaves its exit status (commander's actions return nothing). */
export interface CommandContext {
  exitCode: number;
}

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * A reader that stops early (`netfig render -o - | head -c 100`) closes the pipe: the output
 * ends there, quietly, as it does for cat. Any other failure of a standard stream is one line.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount("error") > 0) continue;
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE" && stream === process.stdout) process.stderr.write(`netfig: cannot write the output: ${error.message}\n`);
      process.exit(error.code === "EPIPE" ? (process.exitCode ?? EXIT_OK) : EXIT_INVALID);
    });
  }
}

/** Runs the command line; returns the exit status instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  endQuietlyOnClosedPipe();
  const context: CommandContext = { exitCode: EXIT_OK };
  const program = new Command("netfig")
    .description("Publication-ready figures of neural networks from a short text description")
    .version(version())
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerCheck(program, context);
  registerSummary(program, context);
  registerRender(program, context);
  registerRun(program, context);
  registerServe(program, context);
  registerTemplates(program, context);
  registerExport(program, context);
  for (const command of program.commands) command.exitOverride();
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      const informational = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code);
      return informational ? EXIT_OK : EXIT_USAGE;
    }
    throw error;
  }
  return context.exitCode;
}
