import type { MetricValue } from "../context/metrics.ts";
import type { PipelineStep } from "../pipeline/step.ts";
import type {
  CancelledReplicate,
  ConditionOutcome,
  ReplicateError,
  ReplicateOutcome,
} from "../storage/outcome.ts";
import type { CacheUse, ConditionStepTiming, StepTiming } from "../storage/provenance.ts";
import { ValueColumn } from "./value_column.ts";

/** Replicate outcomes folded per condition, in replicate order. */
export interface Aggregate {
  /** Metric values per condition: each metric's values concatenated in replicate order. */
  readonly metrics: Map<string, Record<string, MetricValue[]>>;
  /** Seeds per condition, in replicate order. */
  readonly seeds: Record<string, (number | undefined)[]>;
  /** Failed replicates, by replicate then condition. */
  readonly errors: ReplicateError[];
  /** Replicates the run's cancel stopped, by replicate then condition (not failures). */
  readonly cancelled: CancelledReplicate[];
  /** Cache hits and misses of cacheable steps, in total and per step. */
  readonly cache: CacheUse;
  /** Per-step timing summaries. */
  readonly steps: StepTiming[];
  /** Per condition, each step's calls, time and cache hits (steps in pipeline order). */
  readonly stepsByCondition: Record<string, ConditionStepTiming[]>;
  /** Per-condition replicate counts (run and failed) and mean durations. */
  readonly conditions: Record<string, { replicates: number; failed: number; meanMs: number }>;
}

/** What the fold keeps of one condition. */
interface ConditionTotals {
  readonly name: string;
  /** A Map, not an object: names come from experiment code, and keyed loads on it deoptimize. */
  readonly metrics: Map<string, ValueColumn<MetricValue>>;
  /**
   * The columns in the order the last outcome listed its metrics, with their
   * names: the next outcome almost always lists the same ones, so most
   * appends skip the map lookup.
   */
  readonly recentNames: string[];
  readonly recent: ValueColumn<MetricValue>[];
  readonly seeds: ValueColumn<number | undefined>;
  /** Each step's calls, time and cache hits in this condition. */
  readonly steps: { -readonly [K in keyof ConditionStepTiming]: ConditionStepTiming[K] }[];
  replicates: number;
  failed: number;
  totalMs: number;
}

interface CacheCounts {
  hits: number;
  misses: number;
  off: number;
}

/**
 * Folds replicate outcomes, one at a time and in replicate order, into
 * per-condition metrics, seeds, errors and timings: what a run keeps of its
 * replicates. An outcome is not referenced once added (its metric values
 * are copied), so a run's memory grows with its metrics, not its outcomes.
 * `conditions` fixes the key order: baseline first, then treatments, whether
 * or not any replicate of them succeeded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { OutcomeFold } from "./aggregate.ts";
 *
 * const fold = new OutcomeFold(["baseline"], []);
 * for (const replicate of [0, 1]) {
 *   const c = { condition: "baseline", seed: replicate, metrics: { x: [replicate] }, durationMs: 2, stepMs: [] };
 *   fold.add({ replicate, conditions: [c] });
 * }
 * const agg = fold.result();
 * assert.deepEqual(agg.metrics.get("baseline"), { x: [0, 1] });
 * assert.deepEqual(agg.conditions.baseline, { replicates: 2, failed: 0, meanMs: 2 });
 * ```
 */
export class OutcomeFold {
  readonly #steps: readonly PipelineStep[];
  readonly #conditions = new Map<string, ConditionTotals>();
  /** The totals by position in the last outcome, which the next one almost always repeats. */
  readonly #recent: ConditionTotals[] = [];
  readonly #errors: ReplicateError[] = [];
  readonly #cancelled: CancelledReplicate[] = [];
  readonly #stepTotals: { calls: number; totalMs: number; maxMs: number }[];
  readonly #cacheCounts: CacheCounts[];

  /** Starts an empty fold for a run's condition names and pipeline steps. */
  constructor(conditions: readonly string[], steps: readonly PipelineStep[]) {
    this.#steps = steps;
    for (const c of conditions) this.#totals(c);
    this.#stepTotals = steps.map(() => ({ calls: 0, totalMs: 0, maxMs: 0 }));
    this.#cacheCounts = steps.map(() => ({ hits: 0, misses: 0, off: 0 }));
  }

  /** Adds the next replicate's outcome (replicates must come in order for ordered samples). */
  add(outcome: ReplicateOutcome): void {
    const list = outcome.conditions;
    for (let j = 0; j < list.length; j++) {
      const c = list[j];
      if (c.cancelled !== undefined) {
        // Neither run nor failed: it is reported apart, and counts in no sample.
        this.#cancelled.push(c.cancelled);
        continue;
      }
      let t = this.#recent[j];
      if (t === undefined || t.name !== c.condition) {
        t = this.#recent[j] = this.#totals(c.condition);
      }
      this.#addCondition(t, c);
    }
  }

  #totals(condition: string): ConditionTotals {
    let t = this.#conditions.get(condition);
    if (t === undefined) {
      t = {
        name: condition,
        metrics: new Map(),
        recentNames: [],
        recent: [],
        seeds: new ValueColumn(),
        steps: this.#steps.map((s) => ({ step: s.name, calls: 0, totalMs: 0, cacheHits: 0 })),
        replicates: 0,
        failed: 0,
        totalMs: 0,
      };
      this.#conditions.set(condition, t);
    }
    return t;
  }

  #addCondition(t: ConditionTotals, c: ConditionOutcome): void {
    let k = 0;
    for (const name in c.metrics) {
      let into = t.recentNames[k] === name ? t.recent[k] : undefined;
      if (into === undefined) {
        into = t.metrics.get(name);
        if (into === undefined) t.metrics.set(name, into = new ValueColumn());
        t.recentNames[k] = name;
        t.recent[k] = into;
      }
      const values = c.metrics[name];
      for (let i = 0; i < values.length; i++) into.push(values[i]);
      k++;
    }
    t.seeds.push(c.seed);
    t.replicates++;
    t.totalMs += c.durationMs;
    if (c.error !== undefined) {
      this.#errors.push(c.error);
      t.failed++;
    }
    this.#addSteps(t, c);
  }

  /** Step timings and cache use, of the run and of the condition. */
  #addSteps(t: ConditionTotals, c: ConditionOutcome): void {
    const stepMs = c.stepMs;
    for (let i = 0; i < stepMs.length; i++) {
      const ms = stepMs[i];
      const s = this.#stepTotals[i];
      s.calls++;
      s.totalMs += ms;
      if (ms > s.maxMs) s.maxMs = ms;
      const mine = t.steps[i];
      if (mine !== undefined) {
        mine.calls++;
        mine.totalMs += ms;
      }
      if (this.#steps[i].cacheable) {
        const status = c.cache?.[i] ?? "off";
        this.#cacheCounts[i][status === "hit" ? "hits" : status === "miss" ? "misses" : "off"]++;
        if (status === "hit" && mine !== undefined) mine.cacheHits++;
      }
    }
  }

  /** The aggregate of everything added so far. */
  result(): Aggregate {
    const conditions = [...this.#conditions];
    return {
      metrics: new Map(conditions.map(([c, t]) => [c, columns(t.metrics)])),
      seeds: Object.fromEntries(conditions.map(([c, t]) => [c, t.seeds.toArray()])),
      errors: this.#errors,
      cancelled: this.#cancelled,
      cache: cacheUse(this.#steps, this.#cacheCounts),
      steps: this.#steps.map((s, i) => {
        const t = this.#stepTotals[i];
        return {
          step: s.name,
          calls: t.calls,
          totalMs: t.totalMs,
          meanMs: t.calls === 0 ? 0 : t.totalMs / t.calls,
          maxMs: t.maxMs,
        };
      }),
      stepsByCondition: Object.fromEntries(conditions.map(([c, t]) => [c, t.steps])),
      conditions: Object.fromEntries(conditions.map(([c, t]) => [c, {
        replicates: t.replicates,
        failed: t.failed,
        meanMs: t.replicates === 0 ? 0 : t.totalMs / t.replicates,
      }])),
    };
  }
}

function columns(metrics: Map<string, ValueColumn<MetricValue>>): Record<string, MetricValue[]> {
  const out: Record<string, MetricValue[]> = {};
  for (const [name, column] of metrics) out[name] = column.toArray();
  return out;
}

function cacheUse(steps: readonly PipelineStep[], counts: readonly CacheCounts[]): CacheUse {
  const total = { hits: 0, misses: 0, off: 0 };
  const perStep: Record<string, CacheCounts> = {};
  steps.forEach((s, i) => {
    if (!s.cacheable) return;
    const c = counts[i];
    const into = perStep[s.name] ??= { hits: 0, misses: 0, off: 0 };
    for (const k of ["hits", "misses", "off"] as const) {
      into[k] += c[k];
      total[k] += c[k];
    }
  });
  return { ...total, steps: perStep };
}
