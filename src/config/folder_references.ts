import { basename, dirname, join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import type { Artifact } from "../data/artifact.ts";
import { ConfigError, displayPath, formatIssue } from "./config_error.ts";
import type { ConfigReader } from "./config_reader.ts";
import { CONFIG_FILE, configEntries, type ConfigFile, inspectConfigFile } from "./folder_config.ts";
import { FolderModules } from "./folder_modules.ts";
import { resolveOutputs } from "./folder_outputs.ts";
import type { ConfigIssue } from "./config_error.ts";

/** The experiment an `experiment#artifact` reference points at, as far as readers need it. */
export interface UpstreamExperiment {
  /** Its name (the folder of its runs). */
  readonly name: string;
  /** Its `config.yaml`. */
  readonly configFile: string;
  /** The output root its runs are stored under. */
  readonly root: string;
  /** Its declared outputs by alias. */
  readonly outputs: Readonly<Record<string, Artifact>>;
}

/**
 * Finds the experiments that `experiment#artifact` references name, among a
 * set of `config.yaml` files: by `name:` first, then by folder name. Each
 * candidate is read (and its outputs resolved) at most once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ReferenceResolver } from "./folder_references.ts";
 *
 * const consumer = new URL("../../examples/dag/consumer", import.meta.url).pathname;
 * const upstream = await ReferenceResolver.siblingsOf(consumer).resolve("producer");
 * assert.ok(typeof upstream !== "string"); // a string says why it could not be resolved
 * assert.equal(upstream.name, "producer");
 * assert.match(upstream.root, /examples\/dag\/producer\/\.crystallize$/);
 * ```
 */
export class ReferenceResolver {
  readonly #candidates: () => Promise<readonly string[]>;
  readonly #where: string;
  readonly #read: ConfigReader;
  readonly #files = new Map<string, Promise<ConfigFile | ConfigError>>();
  readonly #upstream = new Map<string, Promise<UpstreamExperiment | string>>();

  /**
   * A resolver over the `config.yaml` files `candidates` lists (absolute
   * paths); `where` says where they are, for messages ("under experiments/");
   * `read` reads them (default `inspectConfigFile`).
   */
  constructor(
    candidates: () => Promise<readonly string[]>,
    where: string,
    read: ConfigReader = inspectConfigFile,
  ) {
    this.#candidates = candidates;
    this.#where = where;
    this.#read = read;
  }

  /**
   * A resolver over exactly these experiment folders (no folder is listed:
   * what a sandbox that may read only them needs).
   */
  static among(folders: readonly string[], read?: ConfigReader): ReferenceResolver {
    const files = folders.map((f) => join(resolvePath(f), CONFIG_FILE));
    return new ReferenceResolver(
      () => Promise.resolve(files),
      `among ${folders.map(displayPath).join(", ")}`,
      read,
    );
  }

  /**
   * A resolver over the experiments in the folder that holds `folder` (it
   * and its siblings): what `fromYaml` uses.
   */
  static siblingsOf(folder: string, read?: ConfigReader): ReferenceResolver {
    const parent = dirname(resolvePath(folder));
    return new ReferenceResolver(
      async () => {
        const files: string[] = [];
        for await (const entry of Deno.readDir(parent)) {
          const file = join(parent, entry.name, CONFIG_FILE);
          if (entry.isDirectory && isFile(file)) files.push(file);
        }
        return files.sort();
      },
      `in ${displayPath(parent)}`,
      read,
    );
  }

  /**
   * A config file, read once, with the schema's problems it may carry (see
   * `inspectConfigFile`); a `ConfigError` when it cannot be read or parsed.
   */
  inspect(file: string): Promise<ConfigFile | ConfigError> {
    let reading = this.#files.get(file);
    if (reading === undefined) {
      reading = this.#read(file).catch((e) => {
        if (e instanceof ConfigError) return e;
        throw e;
      });
      this.#files.set(file, reading);
    }
    return reading;
  }

  /** A config file, read once; a `ConfigError` when it has any problem the schema finds. */
  async read(file: string): Promise<ConfigFile | ConfigError> {
    const read = await this.inspect(file);
    return read instanceof ConfigError || read.schemaIssues.length === 0
      ? read
      : new ConfigError(read.schemaIssues);
  }

  /**
   * The experiment `ref` names, or why it cannot be used: not found, found
   * twice, or its config has errors.
   */
  resolve(ref: string): Promise<UpstreamExperiment | string> {
    let found = this.#upstream.get(ref);
    if (found === undefined) {
      found = this.#find(ref);
      this.#upstream.set(ref, found);
    }
    return found;
  }

  async #find(ref: string): Promise<UpstreamExperiment | string> {
    const files = await this.#candidates();
    const read = await Promise.all(files.map(async (f) => [f, await this.read(f)] as const));
    const byName = read.filter(([, c]) => !(c instanceof ConfigError) && c.name === ref);
    const byFolder = read.filter(([f]) => basename(dirname(f)) === ref);
    const matches = byName.length > 0 ? byName : byFolder;
    if (matches.length === 0) {
      const names = read.flatMap(([, c]) => c instanceof ConfigError ? [] : [c.name]);
      return `no experiment named '${ref}' was found ${this.#where} (${
        names.length > 0 ? `experiments there: ${names.join(", ")}` : "there are none"
      })`;
    }
    if (matches.length > 1) {
      return `'${ref}' is ambiguous: ${matches.map(([f]) => f).join(" and ")} both match`;
    }
    const [file, config] = matches[0];
    if (config instanceof ConfigError) {
      return `experiment '${ref}' (${file}) has errors: ${formatIssue(config.issues[0])}`;
    }
    const issues: ConfigIssue[] = [];
    const outputs = await resolveOutputs(
      config,
      new FolderModules(config.folder, config.source),
      issues,
    );
    if (issues.length > 0) {
      return `experiment '${ref}' (${file}) has errors: ${formatIssue(issues[0])}`;
    }
    return { name: config.name, configFile: file, root: storageRootOf(config), outputs };
  }
}

/**
 * Where a folder experiment's runs are stored: its `ArtifactPlugin`'s `root`
 * (relative to the folder) when config.yaml sets one, else
 * `<folder>/.crystallize`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readConfigFile } from "./folder_config.ts";
 * import { storageRootOf } from "./folder_references.ts";
 *
 * const producer = new URL("../../examples/dag/producer", import.meta.url).pathname;
 * assert.equal(storageRootOf(await readConfigFile(producer)), `${producer}/.crystallize`);
 * ```
 */
export function storageRootOf(file: ConfigFile): string {
  for (const [, entry] of configEntries(file.config.plugins)) {
    if (typeof entry === "string" || !("ArtifactPlugin" in entry)) continue;
    const root = entry.ArtifactPlugin?.root;
    if (typeof root === "string") return resolvePath(file.folder, root);
  }
  return join(file.folder, ".crystallize");
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}
