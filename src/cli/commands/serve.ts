import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { CommandContext } from "../main.js";
import { runCommand, UsageError } from "../report.js";

function portOf(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number from 0 to 65535, got '${text}'`);
  return port;
}

export function registerServe(program: Command, context: CommandContext): void {
  program
    .command("serve")
    .description("preview FILE in the browser on 127.0.0.1; the page redraws on every save, shows errors where they are, and downloads SVG, PDF or PNG")
    .argument("<file>", "a .netfig or .onnx file")
    .option("--port <n>", "the port to listen on (default: a free one)")
    .option("--network <name>", "which network of the file to show (default: the first)")
    .action(async (file: string, flags: { port?: string; network?: string }) => {
      context.exitCode = await runCommand(async () => {
        const port = portOf(flags.port);
        if (!existsSync(file)) throw new UsageError(`${file}: no such file (serve watches a file; start from a template with \`netfig new NAME\`)`);
        // The server and its file watcher (chokidar) load only for this command.
        const { startPreview } = await import("../../serve/server.js");
        const server = await startPreview({ file, port, network: flags.network, onReload: (line) => process.stderr.write(line + "\n") }).catch((error: NodeJS.ErrnoException) => {
          if (error.code === "EADDRINUSE") throw new UsageError(`--port ${port}: the port is in use; pick another, or --port 0 for a free one`);
          throw error;
        });
        process.stdout.write(`${server.url}\n`);
        process.stderr.write(`netfig: serving ${file} at ${server.url} (Ctrl-C to stop)\n`);
        await new Promise<never>(() => {});
      });
    });
}
