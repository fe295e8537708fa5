import { allRefs, type WorkerSpec } from "./messages.ts";

/** The library's root folder URL, from this module's place in `src/execution/worker/`. */
const LIBRARY = new URL("../../../", import.meta.url).href;

/** How every child entry starts (a comment: it does nothing but say what the module is). */
const CHILD_ENTRY_LINE = "// Crystallize child entry";
const CHILD_ENTRY_PREFIX = "data:application/typescript,";

/** Module namespaces a child process imported, by module URL. */
export type ImportedModules = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

/** Imports the experiment modules of a child process (see {@linkcode childEntry}). */
export type ModuleLoader = () => Promise<ImportedModules>;

/**
 * How experiment modules are loaded in a child process:
 * - `"checked"`: with a dynamic `import()` after the library has loaded.
 *   Deno checks read permission on every module loaded at run time, so a
 *   module (or anything it imports, statically or not) outside the folders
 *   the process may read is refused. Sandboxed runs of the CLI use this.
 * - `"static"`: in the entry's static module graph, which Deno loads
 *   without permission checks: a program's own worker pool, whose modules
 *   are the program's own code, need no read permission on them.
 */
export type ModuleLoading = "checked" | "static";

/** A child process's entry module. */
export interface ChildEntry {
  /** The serving module, relative to the library's root (`src/execution/worker/host.ts`). */
  readonly serve: string;
  /** Its export that serves: called with a {@linkcode ModuleLoader}. */
  readonly serveExport: string;
  /** URLs of the experiment modules. */
  readonly modules: readonly string[];
  /** How they are loaded. */
  readonly loading: ModuleLoading;
  /**
   * URL of the library's root folder (default: this copy's; a compiled CLI
   * points it at the library on disk, since a child `deno` cannot read the
   * binary's embedded files).
   */
  readonly library?: string;
}

/**
 * The entry module of a child process (a worker or the CLI's runner), as a
 * `data:` URL. It starts with a line naming it a child entry (the process's
 * main module says so: see {@linkcode isChildEntry}), then imports, in
 * this order, `parent_channel.ts` (which reads the frame key before
 * anything else evaluates) and the serving module; then it calls the
 * serving export with a loader of the experiment modules.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childEntry } from "./entry.ts";
 *
 * const url = childEntry({
 *   serve: "src/execution/worker/host.ts",
 *   serveExport: "serveWorker",
 *   modules: ["file:///exp/steps.ts"],
 *   loading: "checked",
 * });
 * assert.ok(url.startsWith("data:application/typescript,"));
 * assert.match(decodeURIComponent(url), /file:\/\/\/exp\/steps\.ts/);
 * ```
 */
export function childEntry(entry: ChildEntry): string {
  const at = (path: string) => JSON.stringify(new URL(path, entry.library ?? LIBRARY).href);
  const urls = [...new Set(entry.modules)];
  const lines = [
    CHILD_ENTRY_LINE,
    `import ${at("src/execution/worker/parent_channel.ts")};`,
    `import { ${entry.serveExport} as serve } from ${at(entry.serve)};`,
  ];
  if (entry.loading === "static") {
    lines.push(
      ...urls.map((url, i) => `import * as m${i} from ${JSON.stringify(url)};`),
      `await serve(() => Promise.resolve({ ${
        urls.map((url, i) => `${JSON.stringify(url)}: m${i}`).join(", ")
      } }));`,
    );
  } else {
    // The specifier is a variable, so Deno cannot load the module ahead, without a check.
    lines.push(
      `const urls = ${JSON.stringify(urls)};`,
      "await serve(async () => {",
      "  const modules = {};",
      "  for (const url of urls) modules[url] = await import(url);",
      "  return modules;",
      "});",
    );
  }
  return `${CHILD_ENTRY_PREFIX}${encodeURIComponent(lines.join("\n"))}`;
}

/**
 * Whether `mainModule` (default: this isolate's) is an entry made by
 * {@linkcode childEntry}: the process is a worker or the CLI's runner,
 * serving the process that started it. Experiment code cannot change
 * what a process's main module is.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { childEntry, isChildEntry } from "./entry.ts";
 *
 * assert.equal(isChildEntry(), false); // this process runs a test, not a child entry
 * const entry = childEntry({ serve: "src/execution/worker/host.ts", serveExport: "serveWorker", modules: [], loading: "static" });
 * assert.equal(isChildEntry(entry), true);
 * ```
 */
export function isChildEntry(mainModule: string | undefined = Deno.mainModule): boolean {
  // A Web Worker has no main module.
  return mainModule?.startsWith(CHILD_ENTRY_PREFIX + encodeURIComponent(CHILD_ENTRY_LINE)) === true;
}

/**
 * The entry module of a worker process for a run's spec: it imports every
 * module the spec refers to and serves the worker protocol.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Experiment, type ExperimentView, type LoopContext, type ReplicateFunction, BasePlugin } from "@crystallize/deno";
 * import { fetchNumbers, total } from "../../../examples/scaling_demo.ts";
 * import { workerSpec } from "./spec.ts";
 *
 * // A plugin that keeps the run's plan; returning undefined lets the serial loop run.
 * class KeepPlan extends BasePlugin {
 *   plan: LoopContext["plan"] | undefined;
 *   override runExperimentLoop(_e: ExperimentView, _fn: ReplicateFunction, loop: LoopContext) {
 *     this.plan = loop.plan;
 *     return undefined;
 *   }
 * }
 * const keep = new KeepPlan();
 * await Experiment.builder("on_workers").datasource(fetchNumbers()).addStep(total())
 *   .plugins([keep]).replicates(2).build().run({ seed: 1 });
 * const spec = await workerSpec(keep.plan!, "warn");
 * import { workerEntry } from "./entry.ts";
 *
 * const url = workerEntry(spec, { loading: "checked" });
 * assert.match(decodeURIComponent(url), /examples\/scaling_demo\.ts/); // the modules it imports
 * ```
 */
export function workerEntry(
  spec: WorkerSpec,
  options: { readonly loading: ModuleLoading; readonly library?: string },
): string {
  return childEntry({
    serve: "src/execution/worker/host.ts",
    serveExport: "serveWorker",
    modules: allRefs(spec).map((r) => r.module),
    ...options,
  });
}
