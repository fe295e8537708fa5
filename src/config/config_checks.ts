import { basename, dirname } from "node:path";
import { pathNameMessage, pathNameProblem } from "../storage/path_name.ts";
import type { ConfigIssue } from "./config_error.ts";
import { validateConfig } from "./schema_validation.ts";
import type { YamlSource } from "./yaml_source.ts";

/**
 * Every problem of a parsed `config.yaml` found without importing its
 * modules: the JSON Schema's (see `validateConfig`), plus what a schema
 * cannot say, each at its line and column:
 *
 * - the experiment's name (`name:`, else the folder's name) must be usable as
 *   a folder name, since runs are stored under `<root>/<name>/v<N>` (see
 *   `PATH_NAME_RULE`).
 *
 * Where such a check and the schema report the same place, the check's more
 * precise message replaces the schema's.
 *
 * @example
 * ```ts
 * configIssues(parseYaml("name: ..\ndatasource: {n: x}\nsteps: [x]\n", "/exp/config.yaml"))
 *   .map((i) => i.message);
 * // ['experiment name ".." cannot be used as a folder or file name: it is ".."; a name may use ...']
 * ```
 */
export function configIssues(source: YamlSource): ConfigIssue[] {
  const checks = nameIssues(source);
  const taken = new Set(checks.map(place));
  return [...validateConfig(source).filter((i) => !taken.has(place(i))), ...checks]
    .sort((a, b) => a.line - b.line || a.column - b.column);
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
