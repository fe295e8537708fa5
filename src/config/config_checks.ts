import { basename, dirname } from "../path.ts";
import { permissionValueProblem } from "../execution/permission_values.ts";
import { MAX_REPLICATES } from "../run/replicates.ts";
import { pathNameMessage, pathNameProblem } from "../path_name.ts";
import type { ConfigIssue } from "./config_error.ts";
import { checkSchema } from "./schema_validation.ts";
import type { YamlPath, YamlSource } from "./yaml_source.ts";

/**
 * Every problem of a parsed `config.yaml` found without importing its
 * modules: the JSON Schema's (see `validateConfig`), plus what a schema
 * cannot say, each at its line and column:
 *
 * - the experiment's name (`name:`, else the folder's name) must be usable as
 *   a folder name, since runs are stored under `<root>/<name>/v<N>` (see
 *   `PATH_NAME_RULE`);
 * - `replicates` must be written as decimal digits (`1e3`, `0x10` and `3.0`
 *   are numbers to YAML but not counts), from 1 to `MAX_REPLICATES`, and an
 *   out-of-range count is echoed as written (`9007199254740993`, not the
 *   float it rounds to);
 * - every `permissions:` entry must be one Deno accepts (see
 *   `permissionValueProblem`: `net` hosts, `env` names, `sys` names), or the
 *   sandbox's Deno would refuse to start.
 *
 * Where such a check and the schema report the same place, the check's more
 * precise message replaces the schema's. `refused` lists the values a
 * problem is about (the loader checks the rest of the file without them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configIssues } from "./config_checks.ts";
 * import { parseYaml } from "./yaml_parse.ts";
 *
 * const { issues } = configIssues(parseYaml("replicates: 1e9\n", "/exp/config.yaml"));
 * assert.ok(issues.some((i) => i.message.startsWith("replicates must be a whole number from 1 to 1000000")));
 * ```
 */
export function configIssues(
  source: YamlSource,
): { issues: ConfigIssue[]; refused: YamlPath[] } {
  const byKey = {
    name: nameIssues(source),
    replicates: replicatesIssues(source),
    permissions: permissionIssues(source),
  };
  const checks = Object.values(byKey).flat();
  const taken = new Set(checks.map(place));
  const schema = checkSchema(source);
  return {
    issues: [...schema.issues.filter((i) => !taken.has(place(i))), ...checks]
      .sort((a, b) => a.line - b.line || a.column - b.column),
    refused: [
      ...schema.refused,
      ...Object.entries(byKey).filter(([, found]) => found.length > 0).map(([key]) => [key]),
    ],
  };
}

function place(issue: ConfigIssue): string {
  return `${issue.line}:${issue.column}`;
}

function topLevel(source: YamlSource): Readonly<Record<string, unknown>> {
  const value = source.value;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as Record<string, unknown>
    : {};
}

function nameIssues(source: YamlSource): ConfigIssue[] {
  const { name } = topLevel(source);
  if (name !== undefined) {
    if (typeof name !== "string") return []; // the schema reports the type
    const problem = pathNameProblem(name);
    return problem === undefined
      ? []
      : [source.issue(["name"], pathNameMessage(name, "experiment", problem))];
  }
  const folder = basename(dirname(source.file));
  const problem = pathNameProblem(folder);
  if (problem === undefined) return [];
  return [{
    file: source.file,
    line: 1,
    column: 1,
    message: `config.yaml sets no name:, so the experiment is named after its folder, but ${
      pathNameMessage(folder, "experiment", problem)
    }; add a name: or rename the folder`,
  }];
}

function replicatesIssues(source: YamlSource): ConfigIssue[] {
  const { replicates } = topLevel(source);
  if (typeof replicates !== "number") return []; // missing, or a type the schema reports
  const text = source.scalarText(["replicates"]) ?? String(replicates);
  const digits = /^\+?[0-9]+$/.test(text);
  if (digits && BigInt(text) >= 1n && BigInt(text) <= BigInt(MAX_REPLICATES)) return [];
  return [source.issue(
    ["replicates"],
    `replicates must be a whole number from 1 to ${MAX_REPLICATES} written in digits, ` +
      `e.g. \`replicates: 20\`, got ${text}`,
  )];
}

function permissionIssues(source: YamlSource): ConfigIssue[] {
  const { permissions } = topLevel(source);
  if (typeof permissions !== "object" || permissions === null) return [];
  return Object.entries(permissions as Record<string, unknown>).flatMap(([kind, list]) =>
    Array.isArray(list)
      ? list.flatMap((entry, i) => {
        const problem = typeof entry === "string" ? permissionValueProblem(kind, entry) : undefined;
        return problem === undefined
          ? []
          : [source.issue(["permissions", kind, i], `permissions.${kind}[${i}]: ${problem}`)];
      })
      : []
  );
}
