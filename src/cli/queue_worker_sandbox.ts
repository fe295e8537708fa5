/**
 * How `crystallize worker` runs a run's code: in worker processes with the
 * sandbox of a local run (read on the code, write on an output root, what is
 * granted, nothing else), where the code is the unpacked bundle, the output
 * root a scratch folder of the worker, and the grant what the run asks for
 * *and* the worker's own `--allow-*` flags allow.
 * @module
 */
import { join } from "../path.ts";
import { resolvePath } from "../resolve_path.ts";
import { pathOfFileUrl } from "../file_url.ts";
import type { UnpackedBundle } from "../execution/queue/bundle.ts";
import { bundleImportMap, localModuleUrl } from "../execution/queue/bundle_modules.ts";
import { unpackedInputs } from "../execution/queue/shipped_inputs.ts";
import type { QueueTask } from "../execution/queue/queue_task.ts";
import { workerEntry } from "../execution/worker/entry.ts";
import { allRefs, type ExportRef, type WorkerSpec } from "../execution/worker/messages.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { DEFAULT_WORKER_V8_FLAGS } from "../execution/worker/v8_flags.ts";
import { launchFlags } from "../execution/worker/launch_flags.ts";
import type { WorkerLaunch } from "../execution/worker/worker_process.ts";
import { isPlainObject } from "../plain_object.ts";
import { OUTPUT_ROOT_ENV } from "../storage/output_root.ts";
import { CliError } from "./cli_error.ts";
import { libraryUrl } from "./runner_entry.ts";
import { PERMISSION_KINDS, sandboxLaunch } from "./sandbox.ts";
import { within } from "./within.ts";

/**
 * The permissions both sets grant: a worker never gives a run's code more
 * than its own flags. `true` meets a list in the list; two lists meet in the
 * entries of the first that the second allows (paths: inside one of its
 * paths; hosts, variables, programs: the same entry). The run's paths come
 * from Redis, so each is first made the absolute path Deno's flags would
 * grant (a `file:` URL is a path too, and one that is not a plain local
 * path, such as `file:///data/x%2F..%2F..%2Fetc`, is dropped).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { grantedBoth } from "./queue_worker_sandbox.ts";
 *
 * const run = { net: ["api.example.com:443"], read: ["/data/x", "file:///etc/passwd"], env: true };
 * const worker = { net: true, read: ["/data"] };
 * assert.deepEqual(grantedBoth(run, worker), { net: ["api.example.com:443"], read: ["/data/x"] });
 * ```
 */
export function grantedBoth(run: WorkerPermissions, worker: WorkerPermissions): WorkerPermissions {
  const out: Record<string, boolean | readonly (string | URL)[]> = {};
  for (const kind of PERMISSION_KINDS) {
    const asked = run[kind];
    const allowed = worker[kind];
    if (asked === undefined || asked === false || allowed === undefined || allowed === false) {
      continue;
    }
    const paths = kind === "read" || kind === "write" || kind === "ffi";
    const entries = asked === true
      ? true
      : asked.flatMap((a) => paths ? localPath(a) : [String(a)]);
    if (allowed === true) out[kind] = entries;
    else if (entries === true) out[kind] = allowed;
    else {
      const kept = entries.filter((a) =>
        allowed.some((w) => paths ? within(String(w), a) : String(w) === a)
      );
      if (kept.length > 0) out[kind] = kept;
    }
  }
  return out as WorkerPermissions;
}

/**
 * Throws a {@linkcode CliError} when the worker's cache folder and a path
 * its `--allow-read` or `--allow-write` list names overlap (one inside the
 * other): code of a run that asks for that path would be granted part of the
 * cache, and could read other runs' bundles and outputs, or rewrite their
 * code. (An unscoped `--allow-read` or `--allow-write` grants everything
 * anyway.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkWorkerCache } from "./queue_worker_sandbox.ts";
 *
 * checkWorkerCache("/var/cache/crystallize", { read: ["/data"] }); // fine
 * assert.throws(() => checkWorkerCache("/data/cache", { read: ["/data"] }), /give --cache a folder outside/);
 * assert.throws(() => checkWorkerCache("/data", { write: ["/data/bundles"] }), /overlaps --allow-write/);
 * ```
 */
export function checkWorkerCache(cacheDir: string, own: WorkerPermissions): void {
  for (const kind of ["read", "write"] as const) {
    const list = own[kind];
    const overlaps = (p: string | URL) =>
      within(String(p), cacheDir) || within(cacheDir, String(p));
    const holding = Array.isArray(list) ? list.find(overlaps) : undefined;
    if (holding === undefined) continue;
    throw new CliError(
      `the worker's cache ${cacheDir} overlaps --allow-${kind}=${holding}: a run granted that ` +
        `could ${kind === "read" ? "read" : "rewrite"} other runs' bundles and outputs; ` +
        "give --cache a folder outside it",
    );
  }
}

/**
 * A path a run asks for as the absolute path Deno would grant for it (the
 * worker's flags resolve relative paths against its folder, as Deno does);
 * none for a `file:` URL that is not a plain local path.
 */
function localPath(entry: string | URL): string[] {
  const text = String(entry);
  if (!text.startsWith("file:")) return [resolvePath(text)];
  try {
    return [pathOfFileUrl(text)];
  } catch {
    return [];
  }
}

/** How a worker runs one run's batches. */
export interface WorkerRunSetup {
  /** The spec with module URLs inside the bundle and this worker's library. */
  readonly spec: WorkerSpec;
  /** How its worker processes start (the same launch reuses idle ones). */
  readonly launch: WorkerLaunch;
  /** The scratch output root the code may write (a batch records below `jobs/`). */
  readonly workRoot: string;
  /** The run's folder on the shared output root, when the run uses it (the code may write there too). */
  readonly sharedRun?: string;
  /** The run's task, as read from Redis. */
  readonly task: QueueTask;
}

/**
 * The spec and launch of a run's task on this worker: modules mapped into
 * the unpacked bundle (a module outside it is refused), the step cache and
 * output root in `workRoot`, and the sandbox flags of a local run over them.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { workerRunSetup } from "./queue_worker_sandbox.ts";
 *
 * const ref = { module: "file:///exp/steps.ts", name: "total" };
 * const spec = { experimentName: "e", runId: "r", datasource: { ref, params: {} }, steps: [], conditions: [], seeding: undefined, events: { replicates: false, steps: false, errors: false }, logLevel: "warn" as const };
 * const task = { format: 1 as const, run: "r", bundle: "h", spec, permissions: { net: ["x:1"] }, cancelGraceMs: 500, records: false };
 * const bundle = { hash: "h", fsRoot: "/c/h/fs", manifest: { format: 2 as const, roots: ["/exp"], files: [], imports: {}, library: { version: "0.1.0", root: "/lib" } } };
 * const setup = workerRunSetup(task, bundle, { library: "/mine", workRoot: "/w/h", own: {} });
 * assert.equal(setup.spec.datasource.ref.module, "file:///c/h/fs/exp/steps.ts");
 * assert.ok(!setup.launch.flags.some((f) => f.startsWith("--allow-net"))); // the worker has no --allow-net
 * ```
 */
export function workerRunSetup(
  task: QueueTask,
  bundle: UnpackedBundle,
  where: {
    readonly library: string;
    readonly workRoot: string;
    readonly own: WorkerPermissions;
    readonly sharedRun?: string;
  },
): WorkerRunSetup {
  const outside = allRefs(task.spec).map((r) => r.module).filter((m) =>
    localModuleUrl(bundle, m, where.library) === undefined
  );
  if (outside.length > 0) {
    throw new CliError(
      `run ${task.run} refers to ${[...new Set(outside)].join(", ")}, outside its code bundle; ` +
        "the coordinator ships only the experiment's folders and the files they import",
    );
  }
  const local = (ref: ExportRef): ExportRef => ({
    module: localModuleUrl(bundle, ref.module, where.library)!,
    name: ref.name,
  });
  // Upstream runs are read from the bundle's copy (references use the coordinator's library URLs).
  const shipped = unpackedInputs(task.spec, bundle.manifest.library.root, bundle.fsRoot);
  const spec: WorkerSpec = {
    ...task.spec,
    datasource: {
      ...shipped.datasource,
      params: mapRefs(shipped.datasource.params, local),
      ref: local(task.spec.datasource.ref),
    },
    steps: task.spec.steps.map((s) => ({
      ...s,
      ref: local(s.ref),
      params: mapRefs(s.params, local),
    })),
    conditions: task.spec.conditions.map((c) => ({
      ...c,
      values: mapRefs(c.values, local),
      ...(c.treatment === undefined ? {} : { treatment: local(c.treatment) }),
    })),
    cache: task.spec.cache === undefined
      ? undefined
      : { dir: join(where.workRoot, "cache"), refresh: task.spec.cache.refresh },
    record: undefined,
  };
  const map = encodeURIComponent(JSON.stringify(bundleImportMap(bundle, where.library)));
  const sandbox = {
    read: [bundle.fsRoot],
    // Of the shared output root, only this run's folder.
    write: where.sharedRun === undefined ? [where.workRoot] : [where.workRoot, where.sharedRun],
    home: where.workRoot,
    granted: grantedBoth(task.permissions, where.own),
    library: where.library,
  };
  // The bundle is not the project: no deno.json of this folder, the bundle's import map instead
  // (the library mapped to this worker's, and the project's bare names, checked again).
  const flags = launchFlags({
    ...sandboxLaunch(sandbox),
    config: "none",
    lazyImports: true, // the sandbox may read the library
    v8Flags: DEFAULT_WORKER_V8_FLAGS,
    maxHeapMb: task.maxHeapMb,
  });
  flags.push(`--import-map=data:application/json,${map}`);
  const entry = workerEntry(spec, { loading: "checked", library: libraryUrl(where.library) });
  // As for a local run, the default output root is the run's own (not the worker's environment's).
  const env = { [OUTPUT_ROOT_ENV]: where.workRoot };
  return {
    spec,
    launch: { entry, flags, env },
    workRoot: where.workRoot,
    task,
    ...(where.sharedRun === undefined ? {} : { sharedRun: where.sharedRun }),
  };
}

/** Values with every resource reference mapped. */
function mapRefs<T>(value: T, map: (ref: ExportRef) => ExportRef): T {
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, map)) as T;
  if (!isPlainObject(value)) return value;
  if ("$crystallizeResource" in value) {
    return { $crystallizeResource: map(value.$crystallizeResource as ExportRef) } as T;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapRefs(v, map)])) as T;
}
