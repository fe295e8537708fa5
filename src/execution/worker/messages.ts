import type { LogLevel, LogRecord } from "../../context/logger.ts";
import type { ProgressEvent } from "../../run/events.ts";
import type { ReplicateOutcome } from "../../storage/outcome.ts";
import type { Seeding } from "../../run/seeding.ts";
import type { RecordSettings } from "../../storage/run_recorder.ts";
import { isPlainObject } from "../../plain_object.ts";

/** Where a worker finds a factory, treatment or resource: a module and one of its exports. */
export interface ExportRef {
  /** Module URL. */
  readonly module: string;
  /** Export name. */
  readonly name: string;
}

/** A resource factory inside a value sent to a worker, rebuilt there from its export. */
export interface ResourceRef {
  /** The export holding the `ResourceFactory`. */
  readonly $crystallizeResource: ExportRef;
}

/** A datasource or step to rebuild: its factory and explicit parameters. */
export interface FactoryCall {
  /** The exported factory. */
  readonly ref: ExportRef;
  /** Explicit parameters (resource factories as {@linkcode ResourceRef}). */
  readonly params: Readonly<Record<string, unknown>>;
}

/** Everything a worker needs to run replicates of a run: plain, cloneable data. */
export interface WorkerSpec {
  /** Experiment name (for events). */
  readonly experimentName: string;
  /** Run id (for events). */
  readonly runId: string;
  /** The datasource. */
  readonly datasource: FactoryCall;
  /** The steps, in order, each with whether its output is cached (the run may choose per step). */
  readonly steps: readonly (FactoryCall & { readonly cacheable: boolean })[];
  /** Conditions: name, starting values, and the exported treatment of function treatments. */
  readonly conditions: readonly {
    readonly name: string;
    readonly values: Readonly<Record<string, unknown>>;
    readonly treatment?: ExportRef;
  }[];
  /** Seed derivation. */
  readonly seeding: Seeding | undefined;
  /** Which events the parent wants. */
  readonly events: {
    readonly replicates: boolean;
    readonly steps: boolean;
    readonly errors: boolean;
  };
  /** Threshold of `ctx.logger` records forwarded to the parent. */
  readonly logLevel: LogLevel;
  /** The step cache's folder and whether stored entries are ignored, when the run caches. */
  readonly cache?: { readonly dir: string; readonly refresh: boolean };
  /** Where the run is recorded, when it is stored. */
  readonly record?: RecordSettings;
  /** Replicates to skip per condition (reused by resume). */
  readonly reused?: Readonly<Record<string, readonly number[]>>;
}

/** Messages from the parent to a worker. */
export type ToWorker =
  | { readonly type: "init"; readonly spec: WorkerSpec }
  | { readonly type: "run"; readonly replicates: readonly number[] }
  | { readonly type: "cancel" };

/** An error as plain data. */
export interface ErrorData {
  /** Class name. */
  readonly name: string;
  /** Message. */
  readonly message: string;
  /** Stack, if any. */
  readonly stack?: string;
}

/** Messages from a worker to the parent. */
export type FromWorker =
  | { readonly type: "ready" }
  | { readonly type: "init-failed"; readonly error: ErrorData }
  | { readonly type: "outcome"; readonly outcome: ReplicateOutcome }
  | { readonly type: "event"; readonly event: ProgressEvent }
  | { readonly type: "log"; readonly record: LogRecord }
  | { readonly type: "crash"; readonly error: ErrorData };

/**
 * An error as plain data (name, message, stack).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { errorData } from "./messages.ts";
 *
 * const data = errorData(new RangeError("x"));
 * assert.equal(data.name, "RangeError");
 * assert.equal(data.message, "x");
 * ```
 */
export function errorData(error: unknown): ErrorData {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: "Error", message: String(error) };
}

/**
 * Every export a spec refers to: factories, function treatments and
 * resource factories inside values.
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
 * import { allRefs } from "./messages.ts";
 *
 * const modules = new Set(allRefs(spec).map((r) => r.module)); // the modules a worker imports
 * assert.ok([...modules].every((m) => m.endsWith("/examples/scaling_demo.ts")));
 * ```
 */
export function allRefs(
  spec: Pick<WorkerSpec, "datasource" | "steps" | "conditions">,
): ExportRef[] {
  const refs: ExportRef[] = [spec.datasource.ref, ...spec.steps.map((s) => s.ref)];
  for (const c of spec.conditions) if (c.treatment !== undefined) refs.push(c.treatment);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isPlainObject(v)) {
      if ("$crystallizeResource" in v) refs.push(v.$crystallizeResource as ExportRef);
      else Object.values(v).forEach(visit);
    }
  };
  [spec.datasource, ...spec.steps].forEach((s) => visit(s.params));
  spec.conditions.forEach((c) => visit(c.values));
  return refs;
}
