import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The bundled `templates/` folder (beside `dist/` and `src/`). */
export function templatesDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), "../../templates");
}

/** The path of the bundled template NAME (`resnet18`, or `resnet18.netfig`), if there is one. */
export function findTemplate(name: string): string | undefined {
  if (!/^[\w.-]+$/.test(name)) return undefined;
  const file = join(templatesDir(), name.endsWith(".netfig") ? name : `${name}.netfig`);
  return existsSync(file) ? file : undefined;
}

export interface TemplateInfo {
  name: string;
  description: string;
  file: string;
}

/** Every bundled template with its one-line description (the file's first `#` comment). */
export function listTemplates(): TemplateInfo[] {
  const dir = templatesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".netfig"))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      const first = readFileSync(file, "utf8").split("\n").find((line) => line.startsWith("#"));
      return { name: f.replace(/\.netfig$/, ""), description: first ? first.replace(/^#\s*/, "") : "", file };
    });
}
