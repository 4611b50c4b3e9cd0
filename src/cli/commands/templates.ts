import { copyFileSync, existsSync } from "node:fs";
import type { Command } from "commander";
import { findTemplate, listTemplates } from "../../load/templates.js";
import { runCommand, UsageError } from "../report.js";
import type { CommandContext } from "../main.js";

export function registerTemplates(program: Command, context: CommandContext): void {
  program
    .command("templates")
    .description("list the bundled templates (usable by name in every command)")
    .action(async () => {
      context.exitCode = await runCommand(() => {
        const templates = listTemplates();
        const width = Math.max(...templates.map((t) => t.name.length), 4);
        for (const t of templates) process.stdout.write(`${t.name.padEnd(width)}  ${t.description}\n`);
      });
    });

  program
    .command("new")
    .description("copy a bundled template to start from")
    .argument("<template>", "template name (see netfig templates)")
    .argument("[file]", "where to write it (default NAME.netfig)")
    .option("-f, --force", "overwrite an existing file")
    .action(async (name: string, file: string | undefined, options: { force?: boolean }) => {
      context.exitCode = await runCommand(() => {
        const template = findTemplate(name);
        if (!template) throw new UsageError(`no template named '${name}' (run netfig templates)`);
        const target = file ?? `${name.replace(/\.netfig$/, "")}.netfig`;
        if (existsSync(target) && !options.force) throw new UsageError(`${target} exists; pass --force to overwrite it`);
        copyFileSync(template, target);
        process.stderr.write(`wrote ${target}\n`);
      });
    });
}
