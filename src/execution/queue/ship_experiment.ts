/**
 * What a coordinator ships for a run: its code bundle (the experiment's
 * folders, the local files its modules import from elsewhere, the upstream
 * runs it reads, the project's checked bare-name imports) and the spec
 * workers run, with its upstream references pinned.
 * @module
 */
import { dirname, join } from "../../path.ts";
import { relativePath } from "../../resolve_path.ts";
import { pathOfFileUrl } from "../../file_url.ts";
import { isInside } from "../../storage/join_inside.ts";
import { allRefs, type WorkerSpec } from "../worker/messages.ts";
import { bareImports, configFile, configFlags } from "../worker/project_config.ts";
import { type Bundle, packBundle } from "./bundle.ts";
import { BundleError } from "./bundle_error.ts";
import { isShippableTarget } from "./bundle_modules.ts";
import { importedFiles } from "./module_graph.ts";
import { pinnedInputs } from "./shipped_inputs.ts";

/** Where a run's code and data are on the coordinator. */
export interface ShipOptions {
  /** The experiment's folders, packed whole. */
  readonly roots: readonly string[];
  /** The coordinator's library folder (mapped to each worker's own, never packed). */
  readonly library: string;
  /** Folders inside `roots` not to pack (output roots, step caches). */
  readonly exclude: readonly string[];
  /** The output root upstream references without one read (what the run's code sees). */
  readonly outputRoot: string;
  /** Where the project's `deno.json` is looked for (at or above); default the working directory. */
  readonly cwd?: string;
}

/**
 * Packs a run's bundle and pins its spec. Imported files must lie in the
 * experiment's folders or the project (the folder of the nearest
 * `deno.json` at or above `cwd`, else `cwd`), and be regular files: else a
 * {@linkcode BundleError} names the file, its importer and the fix.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { shipExperiment } from "./ship_experiment.ts";
 *
 * const dir = await Deno.realPath(await Deno.makeTempDir());
 * await Deno.mkdir(`${dir}/exp`);
 * await Deno.mkdir(`${dir}/shared`);
 * await Deno.writeTextFile(`${dir}/exp/steps.ts`, 'export { x } from "../shared/util.ts";');
 * await Deno.writeTextFile(`${dir}/shared/util.ts`, "export const x = 1;");
 * const ref = { module: `file://${dir}/exp/steps.ts`, name: "x" };
 * const spec = { experimentName: "e", runId: "r", datasource: { ref, params: {} }, steps: [], conditions: [], seeding: undefined, events: { replicates: false, steps: false, errors: false }, logLevel: "warn" as const };
 * const { bundle } = await shipExperiment(spec, { roots: [`${dir}/exp`], library: "/lib", exclude: [], outputRoot: `${dir}/out`, cwd: dir });
 * assert.deepEqual(bundle.manifest.files, [`${dir}/shared/util.ts`]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function shipExperiment(
  spec: WorkerSpec,
  options: ShipOptions,
): Promise<{ bundle: Bundle; spec: WorkerSpec }> {
  const cwd = options.cwd ?? Deno.cwd();
  const config = configFile(cwd);
  const project = config === undefined ? cwd : dirname(config);
  const library = [join(options.library, "mod.ts"), join(options.library, "src")];
  const inLibrary = (path: string) => library.some((l) => path === l || isInside(l, path));
  const modules = [...new Set(allRefs(spec).map((r) => r.module))]
    .filter((url) => url.startsWith("file:") && !inLibrary(pathOfFileUrl(url)));
  const imported = (await importedFiles(modules, configFlags("bare-imports", cwd)))
    .filter((file) => !inLibrary(file.path));
  // The library's own folders (an ExperimentInput's module) are mapped to the worker's, not packed.
  const roots = options.roots.filter((root) => !inLibrary(root));
  const allowed = [...roots, project];
  const stray = imported.find((f) => !allowed.some((root) => isInside(root, f.path)));
  if (stray !== undefined) {
    throw new BundleError(
      `${
        shown(stray.importer, project)
      } imports ${stray.path}, outside the experiment's folders and the project (${project}): ` +
        "workers get only files from there; move the file into the project",
    );
  }
  const inputs = await pinnedInputs(spec, options.library, options.outputRoot);
  const bundle = await packBundle(roots, {
    library: options.library,
    exclude: options.exclude,
    files: [...imported.map((f) => f.path), ...inputs.files],
    imports: Object.fromEntries(
      Object.entries(config === undefined ? {} : bareImports(config))
        .filter(([, target]) => isShippableTarget(target)),
    ),
  });
  return { bundle, spec: inputs.spec };
}

function shown(url: string, project: string): string {
  const path = url.startsWith("file:") ? pathOfFileUrl(url) : url;
  return isInside(project, path) ? relativePath(project, path) : path;
}
