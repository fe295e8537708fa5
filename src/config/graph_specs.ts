import { join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import { byPlace, ConfigError, type ConfigIssue, displayPath } from "./config_error.ts";
import type { ConfigReader } from "./config_reader.ts";
import { CONFIG_FILE, type ConfigFile, configPathOf } from "./folder_config.ts";
import { ReferenceResolver } from "./folder_references.ts";
import { buildFolderSpec, type FolderExperimentSpec } from "./folder_spec.ts";

/** Folders never searched for experiments. */
const SKIPPED = new Set(["node_modules"]);

/**
 * The specs of a graph's folder experiments (see `ExperimentGraph.fromYaml`): every
 * `config.yaml` below `path` when it is a folder of experiments, or one
 * experiment and everything it reads (found next to it) when `path` is an
 * experiment. All problems of all configs are thrown as one
 * {@linkcode ConfigError}. `read` reads the config files (default
 * `inspectConfigFile`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadGraphSpecs } from "./graph_specs.ts";
 *
 * const dag = new URL("../../examples/dag", import.meta.url).pathname;
 * const specs = await loadGraphSpecs(dag);
 * assert.deepEqual(specs.map((s) => s.name).sort(), ["consumer", "producer"]);
 * ```
 */
export async function loadGraphSpecs(
  path: string | readonly string[],
  options: { readonly read?: ConfigReader } = {},
): Promise<FolderExperimentSpec[]> {
  const { read } = options;
  if (typeof path !== "string") {
    return await loadConfigs(
      path.map((folder) => configPathOf(resolvePath(folder))),
      ReferenceResolver.among(path, read),
    );
  }
  const single = configPathOf(path);
  if (isFile(single)) return await loadClosure(single, read);
  const root = resolvePath(path);
  const files = await findConfigs(root);
  if (files.length === 0) {
    throw new ConfigError([{
      file: join(root, CONFIG_FILE),
      line: 1,
      column: 1,
      message: `no ${CONFIG_FILE} found under ${
        displayPath(root)
      }; an experiment is a folder with a ${CONFIG_FILE}`,
    }]);
  }
  return await loadConfigs(
    files,
    new ReferenceResolver(() => Promise.resolve(files), `under ${displayPath(root)}`, read),
  );
}

/** The experiments of these config files, references resolved by `resolver`. */
async function loadConfigs(
  files: readonly string[],
  resolver: ReferenceResolver,
): Promise<FolderExperimentSpec[]> {
  const issues: ConfigIssue[] = [];
  const configs: ConfigFile[] = [];
  for (const file of files) {
    // Inspected, not read: a config with schema problems is still built, so all its problems show.
    const read = await resolver.inspect(file);
    if (read instanceof ConfigError) issues.push(...read.issues);
    else configs.push(read);
  }
  issues.push(...duplicateNames(configs));
  return await buildAll(configs, resolver, issues);
}

/** One experiment and, recursively, the experiments its references name. */
async function loadClosure(
  file: string,
  read: ConfigReader | undefined,
): Promise<FolderExperimentSpec[]> {
  const first = configPathOf(file);
  const resolver = ReferenceResolver.siblingsOf(resolvePath(first, ".."), read);
  const issues: ConfigIssue[] = [];
  const configs = new Map<string, ConfigFile>();
  const queue = [first];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (configs.has(next)) continue;
    const read = await resolver.inspect(next);
    if (read instanceof ConfigError) {
      issues.push(...read.issues);
      continue;
    }
    configs.set(next, read);
    for (const reference of Object.values(read.references)) {
      const upstream = await resolver.resolve(reference.split("#")[0]);
      // An unresolvable reference is reported when the experiment is built.
      if (typeof upstream !== "string") queue.push(upstream.configFile);
    }
  }
  return await buildAll([...configs.values()], resolver, issues);
}

async function buildAll(
  configs: readonly ConfigFile[],
  resolver: ReferenceResolver,
  issues: ConfigIssue[],
): Promise<FolderExperimentSpec[]> {
  const specs: FolderExperimentSpec[] = [];
  for (const config of configs) {
    try {
      specs.push(await buildFolderSpec(config, { resolver }));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) {
    throw new ConfigError(issues.toSorted(byPlace));
  }
  return specs;
}

function duplicateNames(configs: readonly ConfigFile[]): ConfigIssue[] {
  const seen = new Map<string, ConfigFile>();
  const issues: ConfigIssue[] = [];
  for (const config of configs) {
    const other = seen.get(config.name);
    if (other === undefined) {
      seen.set(config.name, config);
      continue;
    }
    issues.push(config.source.issue(
      config.config.name === undefined ? [] : ["name"],
      `experiment name '${config.name}' is also used by ${
        displayPath(other.file)
      }; names must be unique (they name stored runs and references)`,
    ));
  }
  return issues;
}

/** Every `config.yaml` below `root`, sorted; hidden folders and node_modules are skipped. */
async function findConfigs(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) {
        if (!entry.name.startsWith(".") && !SKIPPED.has(entry.name)) await walk(path);
      } else if (entry.isFile && entry.name === CONFIG_FILE) {
        found.push(path);
      }
    }
  };
  await walk(root);
  return found.sort();
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
