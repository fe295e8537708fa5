import { join } from "../path.ts";
import { fileUrlOf, pathOfFileUrl } from "../file_url.ts";
import type { ConfigIssue } from "./config_error.ts";
import { suggestion } from "../did_you_mean.ts";
import type { FactoryCallConfig } from "./folder_config.ts";
import type { YamlPath, YamlSource } from "./yaml_source.ts";

/** The modules of a folder experiment, by the config section that names their exports. */
export type ModuleKind = "datasources" | "steps" | "verifiers" | "outputs";

/** A module's exports. */
export type ModuleExports = Readonly<Record<string, unknown>>;

/**
 * A folder experiment's modules (`datasources.ts`, `steps.ts`,
 * `verifiers.ts`, `outputs.ts`), each imported once, on first need. A missing
 * or broken module becomes an issue at the config entry that needed it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ConfigIssue } from "./config_error.ts";
 * import { readConfigFile } from "./folder_config.ts";
 * import { FolderModules } from "./folder_modules.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const modules = new FolderModules(folder, file.source);
 * const issues: ConfigIssue[] = [];
 * const steps = await modules.load("steps", ["steps", 0], issues);
 * assert.ok(steps && "smooth" in steps);
 * assert.equal(modules.has("outputs"), false);
 * ```
 */
export class FolderModules {
  readonly #folder: string;
  readonly #source: YamlSource;
  readonly #loaded = new Map<ModuleKind, Promise<ModuleExports | Error | undefined>>();

  /** Modules of the experiment in `folder`, whose config is `source`. */
  constructor(folder: string, source: YamlSource) {
    this.#folder = folder;
    this.#source = source;
  }

  /** Whether `<kind>.ts` exists in the folder. */
  has(kind: ModuleKind): boolean {
    try {
      return Deno.statSync(this.path(kind)).isFile;
    } catch {
      return false;
    }
  }

  /** Absolute path of `<kind>.ts`. */
  path(kind: ModuleKind): string {
    return join(this.#folder, `${kind}.ts`);
  }

  /** File URL of `<kind>.ts` (how workers import it). */
  url(kind: ModuleKind): string {
    return fileUrlOf(this.path(kind)).href;
  }

  /**
   * The exports of `<kind>.ts`, or `undefined` after adding an issue at
   * `neededAt` (the entry that named one of its exports) when the file is
   * missing or cannot be imported. Each problem is reported once.
   */
  async load(
    kind: ModuleKind,
    neededAt: YamlPath,
    issues: ConfigIssue[],
  ): Promise<ModuleExports | undefined> {
    let loading = this.#loaded.get(kind);
    const first = loading === undefined;
    if (loading === undefined) {
      loading = this.has(kind)
        ? import(this.url(kind)).then(
          (mod) => mod as ModuleExports,
          (e: unknown) => e instanceof Error ? e : new Error(String(e)),
        )
        : Promise.resolve(undefined);
      this.#loaded.set(kind, loading);
    }
    const mod = await loading;
    if (mod === undefined) {
      if (first) {
        issues.push(this.#source.issue(
          neededAt,
          `${kind}.ts not found next to config.yaml; create it and export the ${KIND_HINT[kind]}`,
        ));
      }
      return undefined;
    }
    if (mod instanceof Error) {
      if (first) issues.push(this.#importIssue(kind, mod, neededAt));
      return undefined;
    }
    return mod;
  }

  /** An import failure, at its place in the module when the error tells it. */
  #importIssue(kind: ModuleKind, error: Error, neededAt: YamlPath): ConfigIssue {
    const firstLine = error.message.replace(ANSI, "").split("\n")[0];
    const what = /^\w*Error: /.test(firstLine) ? firstLine : `${error.name}: ${firstLine}`;
    const at = this.#source.position(neededAt);
    const located = errorLocation(error, this.#folder);
    return located === undefined
      ? { file: this.#source.file, ...at, message: `${kind}.ts could not be imported: ${what}` }
      : {
        ...located,
        message:
          `${kind}.ts could not be imported (config.yaml:${at.line}:${at.column} needs it): ${what}`,
      };
  }
}

// Deno colours the locations in module errors; the escapes must go before matching.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const FRAME = /(file:\/\/\/[^\s"')]+?):(\d+):(\d+)/g;

/** The first place inside `folder` that an import error's message or stack points at. */
function errorLocation(
  error: Error,
  folder: string,
): { file: string; line: number; column: number } | undefined {
  const text = `${error.message}\n${error.stack ?? ""}`.replace(ANSI, "");
  for (const match of text.matchAll(FRAME)) {
    const file = pathOfFileUrl(match[1]);
    if (file.startsWith(`${folder}/`)) {
      return { file, line: Number(match[2]), column: Number(match[3]) };
    }
  }
  return undefined;
}

const KIND_HINT: Readonly<Record<ModuleKind, string>> = {
  datasources: "datasource factories (export const numbers = dataSource(...))",
  steps: "step factories (export const total = pipelineStep(...))",
  verifiers: "verifier factories (export const byMean = verifier(...))",
  outputs: "artifacts (export const model = new Artifact(...))",
};

/** A factory reference split into its name and explicit parameters. */
export interface FactoryCall {
  /** Factory name as written. */
  readonly name: string;
  /** Parameters given (`{}` when none). */
  readonly params: Readonly<Record<string, unknown>>;
  /** Path of the name in the YAML (the string, or the map's key). */
  readonly namePath: YamlPath;
  /** Path of the parameters mapping, when given. */
  readonly paramsPath: YamlPath;
  /** Whether the name is a mapping key (positions point at the key). */
  readonly isKey: boolean;
}

/**
 * Splits a factory reference (`name` or `{ name: { param: value } }`) found
 * at `path`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { factoryCall } from "./folder_modules.ts";
 *
 * const call = factoryCall({ add_delta: { delta: 2 } }, ["steps", 0]);
 * assert.equal(call.name, "add_delta");
 * assert.deepEqual(call.params, { delta: 2 });
 * assert.deepEqual(factoryCall("total", ["steps", 1]).params, {});
 * ```
 */
export function factoryCall(entry: FactoryCallConfig, path: YamlPath): FactoryCall {
  if (typeof entry === "string") {
    return { name: entry, params: {}, namePath: path, paramsPath: path, isKey: false };
  }
  const [name, params] = Object.entries(entry)[0];
  return {
    name,
    params: params ?? {},
    namePath: [...path, name],
    paramsPath: [...path, name],
    isKey: true,
  };
}

/** How to recognise one kind of factory among a module's exports. */
export interface FactoryKind<F> {
  /** What it is called in messages ("step", "datasource", "verifier"). */
  readonly label: string;
  /** The module it is looked up in. */
  readonly module: ModuleKind;
  /** How it is declared, for messages ("pipelineStep(...)"). */
  readonly declaredWith: string;
  /** Its own name when `value` is such a factory, else `undefined`. */
  readonly nameOf: (value: unknown) => string | undefined;
  /** Narrows a value recognised by `nameOf`. */
  readonly cast: (value: unknown) => F;
}

/** A factory found by name. */
export interface FoundFactory<F> {
  /** The factory. */
  readonly factory: F;
  /** Its export name. */
  readonly exportName: string;
}

/**
 * Finds the factory `call.name` among a module's exports: the export of that
 * name, else the one export whose own name (`stepName`, `sourceName`,
 * `verifierName`) is `call.name`. When there is none, adds an issue that says
 * what the module does export, with a did-you-mean.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ConfigIssue } from "./config_error.ts";
 * import { STEP_KIND } from "./factory_kinds.ts";
 * import { readConfigFile } from "./folder_config.ts";
 * import { factoryCall, findFactory, FolderModules } from "./folder_modules.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * const modules = new FolderModules(folder, file.source);
 * const issues: ConfigIssue[] = [];
 * const stepsModule = (await modules.load("steps", ["steps", 0], issues))!;
 * const found = findFactory(stepsModule, STEP_KIND, factoryCall("smooth", ["steps", 0]), file.source, issues);
 * assert.equal(found?.exportName, "smooth");
 * assert.equal(findFactory(stepsModule, STEP_KIND, factoryCall("smoth", ["steps", 0]), file.source, issues), undefined);
 * assert.match(issues[0].message, /did you mean 'smooth'/);
 * ```
 */
export function findFactory<F>(
  exports: ModuleExports,
  kind: FactoryKind<F>,
  call: FactoryCall,
  source: YamlSource,
  issues: ConfigIssue[],
  extra: readonly string[] = [],
): FoundFactory<F> | undefined {
  const at = (message: string) =>
    issues.push(source.issue(call.namePath, message, { key: call.isKey }));
  const direct = exports[call.name];
  if (direct !== undefined && kind.nameOf(direct) !== undefined) {
    return { factory: kind.cast(direct), exportName: call.name };
  }
  const byOwnName = Object.entries(exports).filter(([, v]) => kind.nameOf(v) === call.name);
  if (byOwnName.length === 1) {
    return { factory: kind.cast(byOwnName[0][1]), exportName: byOwnName[0][0] };
  }
  const file = `${kind.module}.ts`;
  if (byOwnName.length > 1) {
    at(
      `${kind.label} '${call.name}' is ambiguous: ${file} exports ${byOwnName.length} ${kind.label} factories named '${call.name}' (${
        byOwnName.map(([k]) => k).join(", ")
      }); use the export name`,
    );
    return undefined;
  }
  if (direct !== undefined) {
    at(
      `'${call.name}' in ${file} is not a ${kind.label} factory (declare it with ${kind.declaredWith})`,
    );
    return undefined;
  }
  const available = Object.entries(exports).flatMap(([exportName, v]) => {
    const own = kind.nameOf(v);
    return own === undefined ? [] : [own === exportName ? own : `${own} (export ${exportName})`];
  });
  const candidates = [
    ...Object.keys(exports).filter((k) => kind.nameOf(exports[k]) !== undefined),
    ...Object.values(exports).flatMap((v) => kind.nameOf(v) ?? []),
    ...extra,
  ];
  const listed = [...available, ...extra];
  at(
    `${kind.label} '${call.name}' is not exported from ${file}${
      suggestion(call.name, candidates)
    } (${
      listed.length > 0
        ? `available: ${listed.join(", ")}`
        : `${file} exports no ${kind.label} factories; declare one with export const ${call.name} = ${kind.declaredWith}`
    })`,
  );
  return undefined;
}

/**
 * Checks explicit parameters against a factory's declared ones: unknown
 * names (with a did-you-mean and the declared list) and values whose type
 * differs from a primitive, list or mapping default. Adds one issue per
 * problem; returns whether there was none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ConfigIssue } from "./config_error.ts";
 * import { checkParams, factoryCall } from "./folder_modules.ts";
 * import { parseYaml } from "./yaml_parse.ts";
 *
 * const source = parseYaml("steps:\n  - add_delta: { delt: 1 }\n", "/exp/config.yaml");
 * const issues: ConfigIssue[] = [];
 * const call = factoryCall({ add_delta: { delt: 1 } }, ["steps", 0]);
 * assert.equal(checkParams("step 'add_delta'", { delta: 0 }, call, source, issues), false);
 * assert.match(issues[0].message, /has no parameter 'delt'; did you mean 'delta'\?/);
 * ```
 */
export function checkParams(
  owner: string,
  declared: Readonly<Record<string, unknown>>,
  call: FactoryCall,
  source: YamlSource,
  issues: ConfigIssue[],
): boolean {
  const before = issues.length;
  const names = Object.keys(declared);
  for (const [key, value] of Object.entries(call.params)) {
    const path = [...call.paramsPath, key];
    if (!Object.hasOwn(declared, key)) {
      issues.push(source.issue(
        path,
        `${owner} has no parameter '${key}'${suggestion(key, names)} (${
          names.length > 0 ? `it declares: ${names.join(", ")}` : "it declares no parameters"
        })`,
        { key: true },
      ));
      continue;
    }
    const expected = kindOf(declared[key]);
    if (expected !== undefined && value !== null && kindOf(value) !== expected) {
      issues.push(source.issue(
        path,
        `${owner} parameter '${key}' must be ${KIND_WORDS[expected]} like its default (${
          JSON.stringify(declared[key])
        }), got ${JSON.stringify(value)}`,
      ));
    }
  }
  return issues.length === before;
}

type ValueKind = "number" | "string" | "boolean" | "list" | "mapping";

const KIND_WORDS: Readonly<Record<ValueKind, string>> = {
  number: "a number",
  string: "a string",
  boolean: "true or false",
  list: "a list",
  mapping: "a mapping",
};

/** The kind a default constrains values to; `undefined` when it constrains nothing. */
function kindOf(value: unknown): ValueKind | undefined {
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") {
    return typeof value as ValueKind;
  }
  if (Array.isArray(value)) return "list";
  if (
    typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype
  ) return "mapping";
  return undefined;
}
