/**
 * Estimated run time from past runs: the wall time per replicate of each
 * condition the stored versions actually computed (reused replicates and
 * runs that had nothing to do left out), times what the next run computes.
 * @module
 */
import { formatDuration } from "../progress/render.ts";
import type { VersionResult } from "./history.ts";

/** Runs the estimate averages over, newest first. */
const RECENT = 5;

/** Wall time per replicate and condition over recent runs, and how many runs that is from. */
export interface UnitTime {
  /** Mean wall time of one replicate of one condition, ms; `undefined` without data. */
  readonly perUnitMs: number | undefined;
  /** Runs it comes from. */
  readonly runs: number;
}

/**
 * The mean wall time of one replicate of one condition over the newest
 * {@linkcode RECENT} stored versions that computed any (wall time, so
 * parallel runs count with their throughput).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../../storage/result_json.ts";
 * import { unitTime } from "./estimate.ts";
 *
 * const run = (durationMs: number, reused: number) => ({
 *   version: 0,
 *   result: { provenance: { durationMs, timings: { conditions: { baseline: { replicates: 10 }, t: { replicates: 10 } } }, stored: { reused: { baseline: reused } } } } as unknown as ResultJson,
 * });
 * assert.deepEqual(unitTime([run(2000, 0), run(1000, 10)]), { perUnitMs: 100, runs: 2 }); // 2000/20, 1000/10
 * ```
 */
export function unitTime(versions: readonly VersionResult[]): UnitTime {
  const rates = versions.toSorted((a, b) => b.version - a.version).flatMap(({ result }) => {
    const p = result.provenance;
    if (p.stored?.upToDate) return [];
    const all = Object.values(p.timings.conditions).reduce((n, c) => n + c.replicates, 0);
    const reused = Object.values(p.stored?.reused ?? {}).reduce((n, r) => n + r, 0);
    const ran = all - reused;
    return ran > 0 ? [p.durationMs / ran] : [];
  }).slice(0, RECENT);
  if (rates.length === 0) return { perUnitMs: undefined, runs: 0 };
  return { perUnitMs: rates.reduce((a, b) => a + b, 0) / rates.length, runs: rates.length };
}

/** What the next run of one experiment computes: replicates per condition, and conditions. */
export interface PlannedRun {
  /** Experiment name. */
  readonly experiment: string;
  /** Replicates per condition. */
  readonly replicates: number;
  /** Conditions (the baseline and the active treatments). */
  readonly conditions: number;
  /** The time per replicate and condition of its past runs ({@linkcode unitTime}). */
  readonly unit: UnitTime;
}

/**
 * The details line with the estimated run time of a run of `planned` (the
 * experiments of a graph are added up), or why there is none yet.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateLine } from "./estimate.ts";
 *
 * assert.equal(
 *   estimateLine([{ experiment: "demo", replicates: 10, conditions: 2, unit: { perUnitMs: undefined, runs: 0 } }]),
 *   "Estimated run time: unknown (no past runs of demo: r runs it once)",
 * );
 * ```
 */
export function estimateLine(planned: readonly PlannedRun[]): string {
  let totalMs = 0;
  let runs = 0;
  const unknown: string[] = [];
  for (const p of planned) {
    const unit = p.unit;
    if (unit.perUnitMs === undefined) {
      unknown.push(p.experiment);
      continue;
    }
    totalMs += unit.perUnitMs * p.replicates * p.conditions;
    runs += unit.runs;
  }
  if (planned.length === 0) return "Estimated run time: unknown (no past runs)";
  if (unknown.length === planned.length) {
    return `Estimated run time: unknown (no past runs of ${unknown.join(", ")}: r runs it once)`;
  }
  const units = planned.map((p) => `${p.replicates} × ${p.conditions}`).join(" + ");
  const missing = unknown.length > 0 ? `; ${unknown.join(", ")} not run yet` : "";
  return `Estimated run time: ≈${formatDuration(totalMs)} for ${units} replicates × conditions ` +
    `(from ${runs} past run${runs === 1 ? "" : "s"}${missing})`;
}
