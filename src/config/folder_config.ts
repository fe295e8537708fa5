import { basename, dirname, join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import { ConfigError, type ConfigIssue } from "./config_error.ts";
import { configIssues } from "./config_checks.ts";
import type { YamlPath, YamlSource } from "./yaml_source.ts";
import { parseYamlSubset } from "./yaml_subset.ts";
import { lazyImport } from "../lazy_import.ts";

/** The file name that makes a folder an experiment. */
export const CONFIG_FILE = "config.yaml";

/** A factory reference: `name`, or `{ name: { param: value } }`. */
export type FactoryCallConfig = string | Readonly<Record<string, Record<string, unknown> | null>>;

/** One entry of `outputs`. */
export interface OutputConfig {
  /** File name; default: the alias. */
  readonly file_name?: string;
  /** Storage format. */
  readonly format?: "bytes" | "text" | "json";
  /** Description. */
  readonly description?: string;
  /** Name of an `Artifact` exported from outputs.ts. */
  readonly artifact?: string;
}

/** One entry of `hypotheses`. */
export interface HypothesisConfig {
  /** Hypothesis name; default: the verifier's. */
  readonly name?: string;
  /** Verifier factory reference. */
  readonly verifier: FactoryCallConfig;
  /** Metric(s) compared. */
  readonly metrics: string | readonly string[];
  /** Output field (optionally `-field`) or exported function giving the score. */
  readonly rank_by?: string;
  /** p-value correction. */
  readonly correction?: "holm" | "benjamini-hochberg" | "none";
}

/** The `cli` section, defaults applied. */
export interface CliConfig {
  /** Group heading; default `"Experiments"` (`"Graphs"` for experiments reading other experiments). */
  readonly group: string;
  /** Order within the group, lower first; default 999. */
  readonly priority: number;
  /** Icon; default 🧪 (📈 for graphs). */
  readonly icon: string;
  /** Color, or `null`. */
  readonly color: string | null;
  /** Left out of listings; default false. */
  readonly hidden: boolean;
}

/** Deno permission descriptor of the experiment's code. */
export type PermissionsConfig = Readonly<
  Partial<Record<"read" | "write" | "net" | "env" | "run" | "sys" | "ffi", boolean | string[]>>
>;

/** `config.yaml` as validated against `schema/config.schema.json`. */
export interface FolderConfig {
  /** Experiment name. */
  readonly name?: string;
  /** Description. */
  readonly description?: string;
  /** Replicates per condition. */
  readonly replicates?: number;
  /** Listing metadata. */
  readonly cli?: Partial<CliConfig>;
  /** alias → datasource factory reference or `experiment#artifact`. */
  readonly datasource: Readonly<Record<string, FactoryCallConfig>>;
  /** Step factory references, in order. */
  readonly steps: readonly FactoryCallConfig[];
  /** alias → artifact options. */
  readonly outputs?: Readonly<Record<string, OutputConfig | null>>;
  /** Context values every replicate starts with. */
  readonly initial_context?: Readonly<Record<string, unknown>>;
  /** Treatment name → context values. */
  readonly treatments?: Readonly<Record<string, Record<string, unknown> | null>>;
  /** Hypotheses. */
  readonly hypotheses?: readonly HypothesisConfig[];
  /** Plugin references: `Name` or `{ Name: { option: value } }`. */
  readonly plugins?: readonly FactoryCallConfig[];
  /** Permissions of the experiment's code. */
  readonly permissions?: PermissionsConfig;
}

/**
 * A `config.yaml` read and checked against the schema, before any module is
 * imported. From {@linkcode readConfigFile} it is valid; from
 * {@linkcode inspectConfigFile} it may carry the schema's problems, and then
 * `config` holds only what the schema accepted.
 */
export interface ConfigFile {
  /** Absolute path of `config.yaml`. */
  readonly file: string;
  /** The experiment's folder. */
  readonly folder: string;
  /** The experiment name (`name:`, default: the folder name). */
  readonly name: string;
  /** The parsed YAML with positions. */
  readonly source: YamlSource;
  /**
   * The validated contents: every entry the schema accepted. A list entry it
   * refused leaves a hole, so the others keep their index (their place in
   * config.yaml); iterate lists with {@linkcode configEntries}.
   */
  readonly config: FolderConfig;
  /** The `cli` section with defaults. */
  readonly cli: CliConfig;
  /** Every `experiment#artifact` reference in `datasource`: alias → reference. */
  readonly references: Readonly<Record<string, string>>;
  /** The schema's problems (always empty from {@linkcode readConfigFile}). */
  readonly schemaIssues: readonly ConfigIssue[];
  /**
   * Top-level sections holding something the schema refused, so checks that
   * depend on a section can keep quiet instead of reporting a second,
   * misleading problem (e.g. "no treatment is declared" when one is wrong).
   */
  readonly refusedSections: ReadonlySet<string>;
}

/**
 * `path` as the `config.yaml` it designates: the file itself, or the
 * `config.yaml` inside a folder.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * import { configPathOf } from "./folder_config.ts";
 *
 * assert.equal(configPathOf(folder), `${folder}/config.yaml`); // a folder: its config.yaml
 * assert.equal(configPathOf(`${folder}/config.yaml`), `${folder}/config.yaml`);
 * ```
 */
export function configPathOf(path: string): string {
  const absolute = resolvePath(path);
  try {
    if (Deno.statSync(absolute).isDirectory) return join(absolute, CONFIG_FILE);
  } catch {
    // reported by readConfigFile
  }
  return absolute;
}

/**
 * Reads, parses and validates a folder experiment's `config.yaml` without
 * importing its modules (what listings need). `path` is the folder or the
 * file. Any problem throws a {@linkcode ConfigError} listing every issue with
 * its line and column.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readConfigFile } from "./folder_config.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const { name, cli, config } = await readConfigFile(folder);
 * assert.equal(name, "smoothing");
 * assert.equal(cli.group, "Examples");
 * assert.equal(config.replicates, 12);
 * ```
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  const file = await inspectConfigFile(path);
  if (file.schemaIssues.length > 0) throw new ConfigError(file.schemaIssues);
  return file;
}

/**
 * Reads and parses `config.yaml` and checks it against the schema, keeping
 * the schema's problems in `schemaIssues` instead of throwing them, with
 * `config` reduced to what the schema accepted: so the loader can go on to
 * check factories, parameters and references and report every problem at
 * once. Only a file that cannot be read or parsed, or is not a mapping,
 * throws a {@linkcode ConfigError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { inspectConfigFile } from "./folder_config.ts";
 *
 * const folder = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${folder}/config.yaml`, "replicate: 3\n");
 * const file = await inspectConfigFile(folder); // schema problems are collected, not thrown
 * assert.ok(file.schemaIssues.some((i) => i.message.startsWith("unknown key 'replicate' at the top level")));
 * await Deno.remove(folder, { recursive: true });
 * ```
 */
export async function inspectConfigFile(path: string): Promise<ConfigFile> {
  const file = configPathOf(path);
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    const reason = error instanceof Deno.errors.NotFound
      ? `not found; a folder experiment is a folder with a ${CONFIG_FILE}`
      : `cannot be read (${(error as Error).message})`;
    throw new ConfigError([{ file, line: 1, column: 1, message: `${CONFIG_FILE} ${reason}` }], {
      cause: error,
    });
  }
  // Plain YAML needs no parser; the parser loads on first need (see lazyImport), and a runner
  // handed the configs it runs never loads it.
  const source = parseYamlSubset(text, file) ??
    (await lazyImport<typeof import("./yaml_parse.ts")>(
      new URL("./yaml_parse.ts", import.meta.url),
    ))
      .parseYaml(text, file);
  const { issues, refused } = configIssues(source);
  // Not a mapping: there is nothing to check further.
  if (refused.some((p) => p.length === 0)) throw new ConfigError(issues);
  const config = acceptedPart(source.value as Record<string, unknown>, refused);
  const folder = dirname(file);
  const references = Object.fromEntries(
    Object.entries(config.datasource).flatMap(([alias, value]) =>
      typeof value === "string" && value.includes("#") ? [[alias, value]] : []
    ),
  );
  const isGraph = Object.keys(references).length > 0;
  return {
    file,
    folder,
    name: config.name ?? basename(folder),
    source,
    config,
    references,
    schemaIssues: issues,
    refusedSections: new Set(refused.map((p) => String(p[0]))),
    cli: {
      group: config.cli?.group ?? (isGraph ? "Graphs" : "Experiments"),
      priority: config.cli?.priority ?? 999,
      icon: config.cli?.icon ?? (isGraph ? "📈" : "🧪"),
      color: config.cli?.color ?? null,
      hidden: config.cli?.hidden ?? false,
    },
  };
}

/**
 * `value` without what the schema refused: a refused top-level value goes,
 * a refused entry of a section (a step, a treatment, `cli.priority`) goes
 * from its section, and the required sections default to empty. Deeper
 * problems drop the whole entry: half an entry (a hypothesis without its
 * verifier) cannot be checked.
 */
function acceptedPart(value: Record<string, unknown>, refused: readonly YamlPath[]): FolderConfig {
  const out: Record<string, unknown> = { ...value };
  const copied = new Set<string>();
  for (const [section, entry] of refused.map((p) => p.map(String))) {
    const container = out[section];
    if (entry === undefined || typeof container !== "object" || container === null) {
      delete out[section];
      continue;
    }
    if (!copied.has(section)) {
      // Copied once: spreading a list that already has holes would turn them into undefined.
      out[section] = Array.isArray(container) ? [...container] : { ...container };
      copied.add(section);
    }
    // In a list this leaves a hole, so later entries keep their index.
    delete (out[section] as Record<string, unknown>)[entry];
  }
  out.datasource ??= {};
  out.steps ??= [];
  return out as unknown as FolderConfig;
}

/**
 * `[index, entry]` for each entry of a config list, skipping the holes the
 * schema's refused entries leave (see {@linkcode ConfigFile.config}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { configEntries, readConfigFile } from "./folder_config.ts";
 *
 * const folder = new URL("../../examples/folder_experiment", import.meta.url).pathname;
 * const file = await readConfigFile(folder);
 * assert.deepEqual(configEntries(file.config.steps).map(([index]) => index), [0, 1]);
 * assert.deepEqual(configEntries(undefined), []);
 * ```
 */
export function configEntries<T>(list: readonly T[] | undefined): [number, T][] {
  const out: [number, T][] = [];
  // forEach skips holes (entries() would yield them as undefined).
  list?.forEach((entry, index) => out.push([index, entry]));
  return out;
}
