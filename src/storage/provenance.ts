import type { PipelineSignature } from "../pipeline/pipeline.ts";

/** The commit a folder's git checkout is at. */
export interface GitInfo {
  /** Full commit hash. */
  readonly commit: string;
  /** Branch name, when HEAD is on one. */
  readonly branch?: string;
  /**
   * Whether tracked files under the folder differ from the index (see
   * `gitDirtyOf`: staged-but-uncommitted changes are not seen);
   * absent when it could not be determined.
   */
  readonly dirty?: boolean;
}

/** Hits, misses and uncached runs of cacheable steps. */
export interface CacheCounts {
  /** Outputs replayed from the cache. */
  readonly hits: number;
  /** Outputs computed and stored. */
  readonly misses: number;
  /** Runs that did not use the cache (caching off, or an input that cannot be hashed). */
  readonly off: number;
}

/** Step cache use of a run. */
export interface CacheUse extends CacheCounts {
  /** Per cacheable step, by name. */
  readonly steps: Readonly<Record<string, CacheCounts>>;
}

/** Timing summary of one step across all replicates and conditions that ran it. */
export interface StepTiming {
  /** Step name. */
  readonly step: string;
  /** How many times it ran. */
  readonly calls: number;
  /** Total wall time, ms. */
  readonly totalMs: number;
  /** Mean wall time per call, ms. */
  readonly meanMs: number;
  /** Longest call, ms. */
  readonly maxMs: number;
}

/** Time one step took in one condition, across its replicates, and how often the cache served it. */
export interface ConditionStepTiming {
  /** Step name. */
  readonly step: string;
  /** How many times it ran (or was served from the cache). */
  readonly calls: number;
  /** Total wall time, ms. */
  readonly totalMs: number;
  /** Calls the step cache served. */
  readonly cacheHits: number;
}

/** Where and how a run happened: enough to repeat it and to trust its numbers. */
export interface Provenance {
  /** Experiment name. */
  readonly experiment: string;
  /** Unique id of this run. */
  readonly runId: string;
  /** ISO time the run started. */
  readonly startedAt: string;
  /** Wall time of the run, ms. */
  readonly durationMs: number;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Master seed (repeat the run with `SeedPlugin({ seed })` or `run({ seed })`). */
  readonly seed: number | undefined;
  /** Whether the master seed was drawn at random. */
  readonly seedDrawn: boolean;
  /** `true` in the partial result of a cancelled run (`RunCancelledError.result`). */
  readonly cancelled?: boolean;
  /** Seed of every replicate run, per condition, in replicate order. */
  readonly seeds: Readonly<Record<string, readonly (number | undefined)[]>>;
  /** The execution strategy (`"serial"`, `"async(concurrency=8)"`, ...). */
  readonly executionStrategy: string;
  /** The datasource and its explicit parameters. */
  readonly datasource: {
    readonly name: string;
    readonly params: Readonly<Record<string, unknown>>;
  };
  /** Step names, explicit params and code hashes. */
  readonly pipeline: PipelineSignature;
  /** The treatments run, with their values (function treatments: `function: true`). */
  readonly treatments: readonly {
    readonly name: string;
    readonly values: Readonly<Record<string, unknown>>;
    readonly function: boolean;
  }[];
  /** Hypotheses verified. */
  readonly hypotheses: readonly string[];
  /** Where the run is stored, when an `ArtifactPlugin` stored it. */
  readonly stored?: {
    /** Version number. */
    readonly version: number;
    /** Version folder. */
    readonly dir: string;
    /** The version a resumed run continued from. */
    readonly resumedFrom: number | undefined;
    /** Replicates reused from it, per condition. */
    readonly reused: Readonly<Record<string, number>>;
    /**
     * `true` when `strategy: "resume"` found this stored run complete and
     * unchanged and returned it as it is: nothing ran, no version was written.
     */
    readonly upToDate?: boolean;
    /** Older versions the `ArtifactPlugin`'s retention removed after this run was stored. */
    readonly removed?: readonly number[];
    /** The retention that removed them: versions kept, newest first. */
    readonly retention?: number;
  };
  /** Step cache use: totals, and per cacheable step (`off`: ran uncached, e.g. caching disabled). */
  readonly cache: CacheUse;
  /** Time spent, per step and per condition. */
  readonly timings: {
    readonly steps: readonly StepTiming[];
    /**
     * Per condition, each step's time and cache hits, in pipeline order
     * (absent in runs stored before it was recorded).
     */
    readonly stepsByCondition?: Readonly<Record<string, readonly ConditionStepTiming[]>>;
    readonly conditions: Readonly<
      Record<
        string,
        { readonly replicates: number; readonly failed: number; readonly meanMs: number }
      >
    >;
  };
  /** Runtime versions. */
  readonly environment: {
    readonly deno: string;
    readonly v8: string;
    readonly typescript: string;
    readonly os: string;
    readonly arch: string;
  };
  /** The git commit of the experiment's folder, when it is in a checkout. */
  readonly git: GitInfo | undefined;
}

/**
 * The runtime versions recorded in provenance.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runtimeEnvironment } from "./provenance.ts";
 *
 * assert.equal(runtimeEnvironment().deno, Deno.version.deno);
 * ```
 */
export function runtimeEnvironment(): Provenance["environment"] {
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    os: Deno.build.os,
    arch: Deno.build.arch,
  };
}
