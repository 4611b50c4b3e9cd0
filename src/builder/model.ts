import type { SourceFile } from "../lang/ast.js";

/** What the builder makes: the syntax tree the text would parse to, with the builder's call sites as locations. */
export interface BuiltModel {
  readonly kind: "netfig-builder";
  readonly source: SourceFile;
}

export function isBuiltModel(value: unknown): value is BuiltModel {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "netfig-builder";
}
