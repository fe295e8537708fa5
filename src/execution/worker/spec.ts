import type { RunPlan } from "../../run/run_plan.ts";
import { isPlainObject } from "../../plain_object.ts";
import { Treatment } from "../../run/treatment.ts";
import { RebuildError } from "./rebuild_error.ts";
import { ResourceFactory } from "../../pipeline/resource_factory.ts";
import type { LogLevel } from "../../context/logger.ts";
import type { ExportRef, FactoryCall, WorkerSpec } from "./messages.ts";

/**
 * Describes a run for workers: every factory, function treatment and
 * resource factory by module URL and export name, every value checked to be
 * cloneable. Collects all problems and throws one {@linkcode RebuildError}.
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
 *
 * assert.deepEqual(spec.steps.map((s) => s.ref.name), ["total"]); // rebuilt by reference
 * ```
 */
export async function workerSpec(plan: RunPlan, logLevel: LogLevel): Promise<WorkerSpec> {
  const problems: string[] = [];
  const exports = new ExportFinder();
  const datasource = await factoryCall(
    `datasource '${plan.datasource.name}'`,
    plan.datasource,
    `declare it at the top level of a module with \`export const ${plan.datasource.name} = dataSource(...)\``,
    exports,
    problems,
  );
  const steps: WorkerSpec["steps"][number][] = [];
  for (const step of plan.steps) {
    steps.push({
      cacheable: step.cacheable,
      ...await factoryCall(
        `step '${step.name}'`,
        step,
        `declare it at the top level of a module with \`export const ${
          identifier(step.name)
        } = pipelineStep(...)\` ` +
          "(steps created inline cannot be rebuilt)",
        exports,
        problems,
      ),
    });
  }
  const conditions = await conditionSpecs(plan, exports, problems);
  problems.push(...inIsolateOnly(plan));
  if (problems.length > 0) throw new RebuildError(plan.experimentName, problems);
  return {
    experimentName: plan.experimentName,
    runId: plan.runId,
    datasource,
    steps,
    conditions,
    seeding: plan.seeding,
    events: {
      replicates: plan.events?.replicates ?? false,
      steps: plan.events?.steps ?? false,
      errors: plan.events !== undefined,
    },
    logLevel,
    cache: plan.cache === undefined
      ? undefined
      : { dir: plan.cache.store.dir, refresh: plan.cache.refresh },
    record: plan.recorder?.settings,
    reused: plan.reused === undefined
      ? undefined
      : Object.fromEntries([...plan.reused].map(([c, set]) => [c, [...set]])),
  };
}

/** A datasource or step as its exported factory and encoded parameters. */
async function factoryCall(
  what: string,
  owner: {
    readonly factory?: { readonly moduleUrl: string | undefined };
    readonly params: Readonly<Record<string, unknown>>;
  },
  declareAs: string,
  exports: ExportFinder,
  problems: string[],
): Promise<FactoryCall> {
  const ref = owner.factory === undefined
    ? undefined
    : await exports.find(owner.factory, owner.factory.moduleUrl, what, declareAs, problems);
  if (owner.factory === undefined) {
    problems.push(`${what} was not made by a factory, so a worker cannot rebuild it; ${declareAs}`);
  }
  return {
    ref: ref ?? { module: "", name: "" },
    params: await encodeValues(owner.params, what, exports, problems),
  };
}

/** The conditions: encoded starting values, and the export of each function treatment. */
async function conditionSpecs(
  plan: RunPlan,
  exports: ExportFinder,
  problems: string[],
): Promise<WorkerSpec["conditions"][number][]> {
  const conditions: WorkerSpec["conditions"][number][] = [];
  for (const c of plan.conditions) {
    const values = await encodeValues(
      c.values,
      `the context of condition '${c.name}'`,
      exports,
      problems,
    );
    let treatment: ExportRef | undefined;
    if (c.apply !== undefined && c.treatment !== undefined) {
      treatment = await exports.find(
        c.treatment,
        c.treatment.moduleUrl,
        `function treatment '${c.name}'`,
        `export it: \`export const ${identifier(c.name)} = treatment("${c.name}", (ctx) => ...)\``,
        problems,
      );
    }
    conditions.push(
      treatment === undefined ? { name: c.name, values } : { name: c.name, values, treatment },
    );
  }
  return conditions;
}

/** What of a plan can only run in the isolate that made it: per-replicate hooks, a `seedFn`. */
function inIsolateOnly(plan: RunPlan): string[] {
  const problems: string[] = [];
  for (const kind of ["beforeReplicate", "beforeStep", "afterStep"] as const) {
    for (const hook of plan.hooks[kind]) {
      problems.push(
        `plugin ${hook.plugin} has a ${kind} hook, which cannot run in worker processes; ` +
          'use executorType "thread", or follow replicates through progress events (onEvent)',
      );
    }
  }
  if (plan.seedFn !== undefined) {
    problems.push(
      "SeedPlugin has a seedFn, which cannot run in worker processes; use ctx.rng (seeded per replicate in every worker)",
    );
  }
  return problems;
}

/** Finds which export of a module holds a value (modules are imported once). */
class ExportFinder {
  /** Values already encoded (shared objects are checked once). */
  readonly encoded = new Map<unknown, Promise<unknown>>();
  readonly #modules = new Map<string, Promise<Record<string, unknown> | Error>>();

  async find(
    value: unknown,
    moduleUrl: string | undefined,
    what: string,
    fix: string,
    problems: string[],
  ): Promise<ExportRef | undefined> {
    if (moduleUrl === undefined || !/^(file|https?):/.test(moduleUrl)) {
      problems.push(
        `${what} was defined outside a module file (${moduleUrl ?? "unknown origin"}); ${fix}`,
      );
      return undefined;
    }
    let loading = this.#modules.get(moduleUrl);
    if (loading === undefined) {
      loading = import(moduleUrl).catch((e) => e instanceof Error ? e : new Error(String(e)));
      this.#modules.set(moduleUrl, loading);
    }
    const mod = await loading;
    if (mod instanceof Error) {
      problems.push(`${what}: its module ${moduleUrl} could not be imported (${mod.message})`);
      return undefined;
    }
    const name = Object.keys(mod).find((k) => mod[k] === value);
    if (name === undefined) {
      problems.push(`${what} is not exported from ${moduleUrl}; ${fix}`);
      return undefined;
    }
    return { module: moduleUrl, name };
  }
}

/** Values with resource factories replaced by references; uncopyable values reported. */
async function encodeValues(
  values: Readonly<Record<string, unknown>>,
  where: string,
  exports: ExportFinder,
  problems: string[],
): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values)) {
    out[key] = await encodeValue(values[key], `${where}, '${key}'`, exports, problems);
  }
  return out;
}

async function encodeValue(
  value: unknown,
  path: string,
  exports: ExportFinder,
  problems: string[],
): Promise<unknown> {
  // A value shared by several conditions (e.g. from initialContext) is checked once.
  if ((typeof value !== "object" || value === null) && typeof value !== "function") {
    return encodeFresh(value, path, exports, problems);
  }
  let encoded = exports.encoded.get(value);
  if (encoded === undefined) {
    encoded = encodeFresh(value, path, exports, problems);
    exports.encoded.set(value, encoded);
  }
  return await encoded;
}

async function encodeFresh(
  value: unknown,
  path: string,
  exports: ExportFinder,
  problems: string[],
): Promise<unknown> {
  if (value instanceof ResourceFactory) {
    const ref = await exports.find(
      value,
      value.moduleUrl,
      `the resource factory at ${path}`,
      "export it: `export const db = resourceFactory(() => connect())`",
      problems,
    );
    return ref === undefined ? undefined : { $crystallizeResource: ref };
  }
  if (Array.isArray(value)) {
    return await Promise.all(
      value.map((v, i) => encodeValue(v, `${path}[${i}]`, exports, problems)),
    );
  }
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      out[key] = await encodeValue(value[key], `${path}.${key}`, exports, problems);
    }
    return out;
  }
  const problem = uncopyable(value);
  if (problem !== undefined) {
    problems.push(
      `${path} is ${problem}, which cannot be copied to a worker process; pass plain data, or wrap the object in ` +
        "resourceFactory(() => ...) (exported) so each worker builds its own",
    );
  }
  return value;
}

/** Why a non-plain value cannot cross to a worker, or `undefined` when it can. */
function uncopyable(value: unknown): string | undefined {
  if (typeof value === "function") {
    return `a function (${(value as { name?: string }).name || "anonymous"})`;
  }
  if (typeof value === "symbol") return "a symbol";
  if (value instanceof Treatment) return "a treatment";
  if (typeof value !== "object" || value === null) return undefined;
  if (
    value instanceof Date || value instanceof RegExp || value instanceof Map ||
    value instanceof Set ||
    value instanceof ArrayBuffer || ArrayBuffer.isView(value) || value instanceof Error
  ) {
    try {
      structuredClone(value);
      return undefined;
    } catch (e) {
      return `a ${value.constructor.name} holding something uncloneable (${(e as Error).message})`;
    }
  }
  return `an instance of ${value.constructor?.name ?? "a class"} (its methods would be lost)`;
}

function identifier(name: string): string {
  return name.replace(
    /[^A-Za-z0-9$]+(.)?/g,
    (_m, c: string | undefined) => (c ?? "").toUpperCase(),
  );
}
