import { basename, dirname, join, resolve } from "node:path";
import { ConfigError } from "./config_error.ts";
import { configIssues } from "./config_checks.ts";
import { parseYaml, type YamlSource } from "./yaml_source.ts";

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

/** A `config.yaml` read and validated, before any module is imported. */
export interface ConfigFile {
  /** Absolute path of `config.yaml`. */
  readonly file: string;
  /** The experiment's folder. */
  readonly folder: string;
  /** The experiment name (`name:`, default: the folder name). */
  readonly name: string;
  /** The parsed YAML with positions. */
  readonly source: YamlSource;
  /** The validated contents. */
  readonly config: FolderConfig;
  /** The `cli` section with defaults. */
  readonly cli: CliConfig;
  /** Every `experiment#artifact` reference in `datasource`: alias → reference. */
  readonly references: Readonly<Record<string, string>>;
}

/**
 * `path` as the `config.yaml` it designates: the file itself, or the
 * `config.yaml` inside a folder.
 *
 * @example
 * ```ts
 * configPathOf("experiments/demo"); // "/abs/experiments/demo/config.yaml" (when demo is a folder)
 * ```
 */
export function configPathOf(path: string): string {
  const absolute = resolve(path);
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
 * const { name, cli, config } = await readConfigFile("experiments/demo");
 * ```
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
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
  const source = parseYaml(text, file);
  const issues = configIssues(source);
  if (issues.length > 0) throw new ConfigError(issues);
  const config = source.value as FolderConfig;
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
    cli: {
      group: config.cli?.group ?? (isGraph ? "Graphs" : "Experiments"),
      priority: config.cli?.priority ?? 999,
      icon: config.cli?.icon ?? (isGraph ? "📈" : "🧪"),
      color: config.cli?.color ?? null,
      hidden: config.cli?.hidden ?? false,
    },
  };
}
