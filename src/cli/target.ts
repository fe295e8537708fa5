import { dirname, join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import { ConfigError } from "../config/config_error.ts";
import { type ConfigFile, inspectConfigFile } from "../config/folder_config.ts";
import { resolvePermissions } from "../config/folder_permissions.ts";
import { storageRootOf } from "../config/folder_references.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { outputRoot } from "../storage/output_root.ts";
import { CliError } from "./cli_error.ts";
import { discover } from "./discover.ts";
import { closureOf } from "./graph_closure.ts";
import type { TargetSpec } from "./runner/protocol.ts";
import { fileUrl, mergePermissions } from "./sandbox.ts";
import { within } from "./within.ts";

/** A `run` target, resolved without running any of its code. */
export interface ResolvedTarget {
  /** What the runner loads. */
  readonly spec: TargetSpec;
  /** Modules the runner's entry imports statically. */
  readonly modules: readonly string[];
  /** Folders experiment code may read. */
  readonly read: readonly string[];
  /** Output roots experiment code may write. */
  readonly write: readonly string[];
  /** Output root of experiments that set none. */
  readonly home: string;
  /** Permissions config.yaml files grant. */
  readonly granted: WorkerPermissions;
  /** The config files read to resolve it: the runner loads them without reading them again. */
  readonly configs: readonly ConfigFile[];
  /**
   * Output roots (among `write`) that config.yaml files chose outside their
   * experiment's folder (`ArtifactPlugin: { root }`): writing there is asked
   * for like any write outside (see `config_permissions.ts`).
   */
  readonly configRoots?: readonly string[];
}

const MODULE = /\.(ts|mts|tsx|js|mjs|jsx)$/;

/**
 * Works out what `crystallize run <target>` means: a folder with
 * `config.yaml` (a folder experiment), a folder of such folders (an
 * experiment graph), or a module (`file.ts`, `file.ts#export`). Config files
 * are read (for their permissions) but no code runs. `out` is `--out`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { resolveTarget } from "./target.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const target = await resolveTarget(folder, undefined);
 * assert.deepEqual(target.spec, { kind: "folder", folder });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function resolveTarget(raw: string, out: string | undefined): Promise<ResolvedTarget> {
  const hash = raw.lastIndexOf("#");
  const [path, exportName] = hash > 0 && MODULE.test(raw.slice(0, hash))
    ? [raw.slice(0, hash), raw.slice(hash + 1)]
    : [raw, undefined];
  const absolute = resolvePath(path);
  const info = await Deno.stat(absolute).catch(() => undefined);
  if (info === undefined) {
    throw new CliError(
      `no experiment at '${raw}': give a folder with config.yaml, a folder of experiment folders, ` +
        "or a TypeScript module (file.ts or file.ts#export)",
    );
  }
  if (info.isFile && MODULE.test(absolute)) {
    const home = out === undefined ? outputRoot({}) : resolvePath(out);
    const url = fileUrl(absolute);
    return {
      spec: exportName ? { kind: "module", url, exportName } : { kind: "module", url },
      modules: [url],
      read: [dirname(absolute)],
      write: [home],
      home,
      granted: {},
      configs: [],
    };
  }
  const folder = info.isFile ? dirname(absolute) : absolute;
  const hasConfig = await Deno.stat(join(folder, "config.yaml")).then((s) => s.isFile, () => false);
  if (hasConfig) {
    const file = await readConfig(folder);
    const references = Object.keys(file.references).length > 0;
    // It reads other experiments' outputs: it runs with them, as a graph (it inherits their treatments).
    if (references && out === undefined) return await closureTarget(folder);
    const home = out === undefined ? join(folder, ".crystallize") : resolvePath(out);
    // It reads its upstreams' stored runs: the sandbox reads those experiments, not the folder around them.
    const closure = references ? await closureOf(folder) : undefined;
    const upstreams = closure?.folders;
    return {
      spec: {
        kind: "folder",
        folder,
        ...(out === undefined ? {} : { outputDir: home }),
        ...(upstreams === undefined ? {} : { upstreams }),
      },
      modules: [],
      read: upstreams ?? [folder],
      write: [home],
      home,
      granted: resolvePermissions(file.config.permissions, folder),
      configs: closure?.files ?? [file],
    };
  }
  const { configs } = await discover(folder);
  if (configs.length === 0) {
    throw new CliError(
      `${raw} is a folder without config.yaml and without experiment folders below it; ` +
        "create one with `crystallize new <name>`",
    );
  }
  refuseOut(out);
  const files = await Promise.all(configs.map((c) => readConfig(dirname(c))));
  return {
    spec: { kind: "graph-folder", folder },
    modules: [],
    read: [folder],
    write: files.map((f) => join(f.folder, ".crystallize")),
    home: join(folder, ".crystallize"),
    granted: files.reduce(
      (all, f) => mergePermissions(all, resolvePermissions(f.config.permissions, f.folder)),
      {} as WorkerPermissions,
    ),
    configs: files,
  };
}

/**
 * An experiment reading others' outputs, run as the graph of it and what it
 * reads: it may read its siblings (its upstreams' folders and stored runs)
 * and write every member's output root, with every member's permissions.
 */
async function closureTarget(folder: string): Promise<ResolvedTarget> {
  const { files: closure, folders: members } = await closureOf(folder);
  return {
    spec: { kind: "graph-folder", folder, members },
    modules: [],
    // Only the experiments of the closure: not the folder around them (it may be $HOME).
    read: members,
    write: closure.map(storageRootOf),
    configRoots: closure.map(storageRootOf).filter((root, i) => !within(closure[i].folder, root)),
    home: join(dirname(folder), ".crystallize"),
    granted: closure.reduce(
      (all, f) => mergePermissions(all, resolvePermissions(f.config.permissions, f.folder)),
      {} as WorkerPermissions,
    ),
    configs: closure,
  };
}

/**
 * What the sandbox needs of a config (its permissions, its references).
 * Schema problems do not stop it here: the runner loads the experiment and
 * reports them together with every other problem of the folder.
 */
async function readConfig(folder: string): Promise<ConfigFile> {
  try {
    return await inspectConfigFile(folder);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

function refuseOut(out: string | undefined): void {
  if (out !== undefined) {
    throw new CliError(
      "--out applies to one experiment; the experiments of a graph store their runs in their own <folder>/.crystallize",
    );
  }
}
