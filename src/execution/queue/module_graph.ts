/**
 * The local files an experiment's modules import, transitively, found the
 * way Deno finds them: `deno info --json` with the import map the code runs
 * with (no downloads: remote and npm modules are not files to ship).
 * @module
 */
import { pathOfFileUrl } from "../../file_url.ts";
import { denoExecutable } from "../worker/framed_child.ts";
import { BundleError } from "./bundle_error.ts";

/** A local file in a module graph, and the module that imports it. */
export interface ImportedFile {
  /** Its absolute path. */
  readonly path: string;
  /** The URL of a module importing it (its own URL for a graph's root). */
  readonly importer: string;
}

/** The parts of `deno info --json` read here. */
interface DenoInfo {
  readonly modules?: readonly {
    readonly specifier?: string;
    readonly local?: string;
    readonly error?: string;
    readonly dependencies?: readonly {
      readonly code?: { readonly specifier?: string };
      readonly type?: { readonly specifier?: string };
    }[];
  }[];
}

/** Flags that keep `deno info` from fetching anything or writing a lock file. */
const NO_DOWNLOADS = ["--no-remote", "--no-npm", "--no-lock", "--node-modules-dir=none"];

/**
 * Every local file the `file:` modules in `urls` import, statically or
 * dynamically with a literal specifier, themselves included, resolved with
 * the `deno run` configuration flags `configFlags` (`--no-config` and an
 * import map). Modules Deno cannot load (a missing file) are left out: the
 * run reports them where it loads them. Throws a {@linkcode BundleError}
 * when `deno info` cannot run. A graph none of whose files changed since it
 * was last read is not read again.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importedFiles } from "./module_graph.ts";
 *
 * const dir = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.mkdir(`${dir}/exp`);
 * await Deno.writeTextFile(`${dir}/exp/main.ts`, 'export * from "../shared/util.ts";');
 * await Deno.mkdir(`${dir}/shared`);
 * await Deno.writeTextFile(`${dir}/shared/util.ts`, "export const x = 1;");
 * const files = await importedFiles([`file://${dir}/exp/main.ts`], ["--no-config"]);
 * assert.deepEqual(files.map((f) => f.path).sort(), [`${dir}/exp/main.ts`, `${dir}/shared/util.ts`]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function importedFiles(
  urls: readonly string[],
  configFlags: readonly string[],
): Promise<ImportedFile[]> {
  const roots = [...new Set(urls.filter((u) => u.startsWith("file:")))];
  const found = new Map<string, ImportedFile>();
  const graphs = await Promise.all(roots.map((url) => knownGraph(url, configFlags)));
  for (const [i, graph] of graphs.entries()) {
    const importers = new Map<string, string>([[roots[i], roots[i]]]);
    for (const module of graph.modules ?? []) {
      for (const dependency of module.dependencies ?? []) {
        for (const target of [dependency.code?.specifier, dependency.type?.specifier]) {
          if (target !== undefined && !importers.has(target)) {
            importers.set(target, module.specifier ?? roots[i]);
          }
        }
      }
    }
    for (const module of graph.modules ?? []) {
      const url = module.specifier;
      if (url === undefined || !url.startsWith("file:") || module.error !== undefined) continue;
      const path = module.local ?? pathOfFileUrl(url);
      if (!found.has(path)) found.set(path, { path, importer: importers.get(url) ?? roots[i] });
    }
  }
  return [...found.values()];
}

/** Graphs read before, by root and flags, with a stamp of each local file in them. */
const graphs = new Map<string, { readonly info: DenoInfo; readonly stamps: Map<string, string> }>();
/** Graphs kept (a coordinator runs a few experiments, again and again). */
const KEPT_GRAPHS = 32;

/**
 * The module graph of `url`: the one read before while none of its local
 * files changed (size, modification time, inode; a file missing then is
 * still missing), else read afresh with `deno info` (~50 ms or more: a
 * process that starts runs of the same experiment again and again spares
 * it on each).
 */
async function knownGraph(url: string, configFlags: readonly string[]): Promise<DenoInfo> {
  const key = JSON.stringify([url, configFlags]);
  const known = graphs.get(key);
  if (
    known !== undefined && [...known.stamps].every(([path, stamp]) => fileStamp(path) === stamp)
  ) {
    return known.info;
  }
  const info = await moduleGraph(url, configFlags);
  const stamps = new Map<string, string>();
  for (const module of info.modules ?? []) {
    const specifier = module.specifier;
    if (specifier === undefined || !specifier.startsWith("file:")) continue;
    const path = module.local ?? pathOfFileUrl(specifier);
    stamps.set(path, fileStamp(path));
  }
  graphs.delete(key);
  graphs.set(key, { info, stamps });
  for (const old of graphs.keys()) if (graphs.size > KEPT_GRAPHS) graphs.delete(old);
  return info;
}

function fileStamp(path: string): string {
  try {
    const { size, mtime, ino } = Deno.statSync(path);
    return `${size}:${mtime?.getTime()}:${ino}`;
  } catch {
    return "missing";
  }
}

async function moduleGraph(url: string, configFlags: readonly string[]): Promise<DenoInfo> {
  let deno: string;
  try {
    deno = denoExecutable();
  } catch {
    throw new BundleError(
      "workers get the files the experiment's modules import, found with `deno info`, and this " +
        "process may not run deno: add --allow-run=deno (or the path of the deno executable)",
    );
  }
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(deno, {
      args: ["info", "--json", ...NO_DOWNLOADS, ...configFlags, url],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    throw new BundleError(
      `workers get the files the experiment's modules import, found with \`deno info\`, which could not run: ${
        (error as Error).message
      }`,
      { cause: error },
    );
  }
  const text = new TextDecoder().decode(output.stdout);
  try {
    if (output.success) return JSON.parse(text) as DenoInfo;
  } catch {
    // reported below
  }
  const reason = new TextDecoder().decode(output.stderr).trim().split("\n")[0];
  throw new BundleError(`\`deno info ${url}\` could not read its module graph: ${reason}`);
}
