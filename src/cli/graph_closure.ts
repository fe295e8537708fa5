import { dirname, join } from "../path.ts";
import { ConfigError } from "../config/config_error.ts";
import { type ConfigFile, configPathOf, inspectConfigFile } from "../config/folder_config.ts";
import { ReferenceResolver } from "../config/folder_references.ts";
import { CliError } from "./cli_error.ts";

/**
 * A folder experiment that reads other experiments' outputs, and the
 * experiments it reads from, recursively: what runs when it runs (as a
 * graph). Upstreams are found as `ExperimentGraph.fromYaml` finds them —
 * by `name:`, then by folder name, among the folders next to it — so a
 * broken config.yaml of an unrelated sibling does not matter. The
 * experiment's own config must read (else a {@linkcode CliError} with its
 * message); a reference that cannot be resolved is left out here, and the
 * runner reports it at its line and column. Upstreams whose config.yaml has
 * problems are not in the list: {@linkcode graphClosureFolders} has them.
 *
 * @example
 * ```ts
 * (await graphClosure("examples/dag/consumer")).map((f) => f.name); // ["consumer", "producer"]
 * ```
 */
export async function graphClosure(folder: string): Promise<ConfigFile[]> {
  return (await walkClosure(folder)).files;
}

/**
 * The folders of {@linkcode graphClosure}'s experiments plus those of
 * upstreams whose config.yaml has problems (the runner reports them): what a
 * sandbox running the closure may read.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathOfFileUrl } from "../file_url.ts";
 * import { graphClosureFolders } from "./graph_closure.ts";
 *
 * const dag = pathOfFileUrl(new URL("../../examples/dag/", import.meta.url));
 * assert.deepEqual(await graphClosureFolders(`${dag}consumer`), [`${dag}consumer`, `${dag}producer`]);
 * ```
 */
export async function graphClosureFolders(folder: string): Promise<string[]> {
  return (await closureOf(folder)).folders;
}

/**
 * {@linkcode graphClosure} and {@linkcode graphClosureFolders} in one walk.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathOfFileUrl } from "../file_url.ts";
 * import { closureOf } from "./graph_closure.ts";
 *
 * const dag = pathOfFileUrl(new URL("../../examples/dag/", import.meta.url));
 * const { files, folders } = await closureOf(`${dag}consumer`);
 * assert.deepEqual(files.map((f) => f.name), ["consumer", "producer"]);
 * assert.equal(folders.length, 2);
 * ```
 */
export async function closureOf(
  folder: string,
): Promise<{ files: ConfigFile[]; folders: string[] }> {
  const { files, broken } = await walkClosure(folder);
  return { files, folders: [...files.map((f) => f.folder), ...broken] };
}

function isConfigFolder(folder: string): boolean {
  try {
    return Deno.statSync(configPathOf(folder)).isFile;
  } catch {
    return false;
  }
}

async function walkClosure(folder: string): Promise<{ files: ConfigFile[]; broken: string[] }> {
  const broken: string[] = [];
  const first = configPathOf(folder);
  const resolver = ReferenceResolver.siblingsOf(dirname(first));
  const own = await inspectConfigFile(first).catch((error) => {
    throw error instanceof ConfigError ? new CliError(error.message) : error;
  });
  const closure = new Map<string, ConfigFile>([[own.file, own]]);
  const queue = [own];
  while (queue.length > 0) {
    const next = queue.shift()!;
    for (const reference of Object.values(next.references)) {
      const name = reference.split("#")[0];
      const upstream = await resolver.resolve(name);
      if (typeof upstream === "string") {
        // Unresolved: a sibling folder of that name has a config.yaml with problems (or none is
        // there). The runner is to show them, so it may read that folder; nothing else is added.
        const sibling = join(dirname(dirname(first)), name);
        if (isConfigFolder(sibling)) broken.push(sibling);
        continue;
      }
      if (closure.has(upstream.configFile)) continue;
      const read = await resolver.inspect(upstream.configFile);
      if (read instanceof ConfigError) {
        broken.push(dirname(upstream.configFile));
        continue;
      }
      closure.set(read.file, read);
      queue.push(read);
    }
  }
  return { files: [...closure.values()], broken: [...new Set(broken)] };
}

/**
 * Replicates per condition of a graph that runs `closure` (see
 * {@linkcode graphClosure}): an experiment reading others runs as many as
 * the runs it reads, so the graph's count is that of the experiments that
 * read nothing (the most, when they differ).
 *
 * @example
 * ```ts
 * graphReplicates(await graphClosure("examples/dag/consumer")); // 6, the producer's
 * ```
 */
export function graphReplicates(closure: readonly ConfigFile[]): number {
  const sources = closure.filter((f) => Object.keys(f.references).length === 0);
  return Math.max(
    1,
    ...(sources.length > 0 ? sources : closure).map((f) => f.config.replicates ?? 1),
  );
}
