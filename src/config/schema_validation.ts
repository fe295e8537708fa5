import type { ErrorObject, ValidateFunction } from "npm:ajv@8.20.0";
import type { ConfigIssue } from "./config_error.ts";
import { suggestion } from "../did_you_mean.ts";
import { validate as generated } from "./schema_validator.ts";
import type { YamlPath, YamlSource } from "./yaml_source.ts";

/** What each required key is for, appended to "missing key" messages. */
const REQUIRED_HINTS: Readonly<Record<string, string>> = {
  datasource:
    "declare where each replicate's data comes from, e.g. `datasource: { numbers: numbers }` (a factory exported from datasources.ts)",
  steps:
    "list the pipeline's steps, e.g. `steps: [add_delta, total]` (factories exported from steps.ts)",
  verifier:
    "name a verifier exported from verifiers.ts or a built-in (welch, student_t, mann_whitney)",
  metrics: "name the metric(s) to compare, e.g. `metrics: total`",
};

/** The schema's validator, precompiled (see `schema_codegen.ts`): no JSON-Schema compiler is loaded. */
const validate = generated as unknown as ValidateFunction;

/** What the schema says about a parsed `config.yaml`. */
export interface SchemaCheck {
  /** One issue per problem, in file order (empty: the file is valid). */
  readonly issues: ConfigIssue[];
  /**
   * Where each problem is: the value the schema refused (an unknown key, a
   * missing one, a value of the wrong type). `[]` means the whole file.
   */
  readonly refused: YamlPath[];
}

/**
 * Checks a parsed `config.yaml` against the JSON Schema and returns one issue
 * per problem, positioned in the YAML and worded for people: unknown keys with
 * a did-you-mean, missing keys with what they are for, wrong types with the
 * value found. An empty list means the file is valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { validateConfig } from "./schema_validation.ts";
 * import { parseYaml } from "./yaml_parse.ts";
 *
 * const issues = validateConfig(parseYaml("replicate: 3\n", "/exp/config.yaml"));
 * assert.ok(issues.some((i) => i.message === "unknown key 'replicate' at the top level; did you mean 'replicates'?"));
 * assert.ok(issues.some((i) => i.message.startsWith("missing key 'datasource'")));
 * ```
 */
export function validateConfig(source: YamlSource): ConfigIssue[] {
  return checkSchema(source).issues;
}

/**
 * {@linkcode validateConfig}, plus where each problem is, so the loader can
 * go on checking what the schema accepted and report every problem at once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkSchema } from "./schema_validation.ts";
 * import { parseYaml } from "./yaml_parse.ts";
 *
 * assert.deepEqual(checkSchema(parseYaml("replicate: 3\n", "/exp/config.yaml")).refused, [
 *   ["datasource"],
 *   ["steps"],
 *   ["replicate"],
 * ]);
 * ```
 */
export function checkSchema(source: YamlSource): SchemaCheck {
  if (validate(source.value)) return { issues: [], refused: [] };
  const seen = new Set<string>();
  const found: { issue: ConfigIssue; path: YamlPath }[] = [];
  for (const error of validate.errors ?? []) {
    const issue = toIssue(error, source);
    if (issue === undefined) continue;
    const id = `${issue.line}:${issue.column}:${issue.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    found.push({ issue, path: refusedPath(error, source.value) });
  }
  found.sort((a, b) => a.issue.line - b.issue.line || a.issue.column - b.issue.column);
  return { issues: found.map((f) => f.issue), refused: found.map((f) => f.path) };
}

/** The value an error is about: the unknown or missing key itself, else the value checked. */
function refusedPath(error: ErrorObject, root: unknown): YamlPath {
  const path = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties") return [...path, String(params.additionalProperty)];
  if (error.keyword === "required") return [...path, String(params.missingProperty)];
  return path;
}

function toIssue(error: ErrorObject, source: YamlSource): ConfigIssue | undefined {
  const path = pointerToPath(error.instancePath, source.value);
  const where = describePath(path);
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case "if":
      return undefined; // the failing `then` branch is reported on its own
    case "additionalProperties":
      return unknownKeyIssue(String(params.additionalProperty), path, parent, source);
    case "required": {
      const key = String(params.missingProperty);
      const hint = REQUIRED_HINTS[key];
      return source.issue(
        path,
        `missing key '${key}'${path.length === 0 ? "" : ` in ${where}`}${hint ? `: ${hint}` : ""}`,
      );
    }
    case "type":
      return source.issue(
        path,
        path.length === 0
          ? `config.yaml must be a mapping of keys (datasource, steps, ...), got ${
            error.data === null ? "an empty file" : describeValue(error.data)
          }`
          : `${where} must be ${typeWords(String(params.type))}, got ${describeValue(error.data)}`,
      );
    case "enum": {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const got = error.data;
      const hint = typeof got === "string" ? suggestion(got, allowed) : "";
      return source.issue(
        path,
        `${where} must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}, got ${
          describeValue(got)
        }${hint}`,
      );
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return source.issue(
        path,
        `${where} must be ${params.comparison} ${params.limit}, got ${describeValue(error.data)}`,
      );
    case "minItems":
    case "minProperties":
    case "minLength":
      return source.issue(path, `${where} must not be empty`);
    case "maxProperties": {
      const keys = Object.keys(error.data as Record<string, unknown>);
      return source.issue(
        path,
        `${where} must have exactly one key, the name, with its parameters under it (got ${keys.length}: ${
          keys.join(", ")
        })`,
      );
    }
    case "pattern":
      return source.issue(
        path,
        `${where} ${String(parent.patternErrorMessage ?? `must match ${params.pattern}`)}, got ${
          describeValue(error.data)
        }`,
      );
    default:
      return source.issue(path, `${where} ${error.message ?? "is not valid"}`);
  }
}

/** An unknown key of the mapping at `path`, with a did-you-mean or the keys it may have. */
function unknownKeyIssue(
  key: string,
  path: YamlPath,
  parent: Record<string, unknown>,
  source: YamlSource,
): ConfigIssue {
  const allowed = Object.keys((parent.properties ?? {}) as Record<string, unknown>);
  const hint = suggestion(key, allowed) ||
    (allowed.length > 0 ? `; expected one of: ${allowed.join(", ")}` : "");
  return source.issue(
    [...path, key],
    `unknown key '${key}' ${
      path.length === 0 ? "at the top level" : `in ${describePath(path)}`
    }${hint}`,
    { key: true },
  );
}

/** A JSON pointer as a YAML path (array indices as numbers). */
function pointerToPath(pointer: string, root: unknown): YamlPath {
  if (pointer === "") return [];
  const path: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      path.push(Number(segment));
      node = node[Number(segment)];
    } else {
      path.push(segment);
      node = (node as Record<string, unknown> | undefined)?.[segment];
    }
  }
  return path;
}

/**
 * A path as people read it: `steps[1]`, `cli.priority`, `treatments.boost`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describePath } from "./schema_validation.ts";
 *
 * assert.equal(describePath(["hypotheses", 0, "metrics"]), "hypotheses[0].metrics");
 * ```
 */
export function describePath(path: YamlPath): string {
  return path.map((s, i) => typeof s === "number" ? `[${s}]` : i === 0 ? s : `.${s}`).join("");
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  object: "a mapping",
  array: "a list",
  string: "a string",
  integer: "a whole number",
  number: "a number",
  boolean: "true or false",
  null: "empty",
};

function typeWords(types: string): string {
  return types.split(",").map((t) => TYPE_WORDS[t] ?? t).join(" or ");
}

/**
 * A value as an error message shows it: strings quoted, lists and mappings by
 * kind, `null` as "nothing".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeValue } from "./schema_validation.ts";
 *
 * assert.equal(describeValue("three"), '"three"');
 * assert.equal(describeValue([1]), "a list");
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
