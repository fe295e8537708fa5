import type { MetricValue } from "../context/metrics.ts";
import type { ResultJson } from "../storage/result_json.ts";

/** One recorded metric value: a replicate × condition × metric. */
export interface ResultRow {
  /** Experiment name. */
  readonly experiment: string;
  /** Stored version, or `null` for a run that was not stored. */
  readonly version: number | null;
  /** The run's id. */
  readonly runId: string;
  /** `"baseline"` or the treatment name. */
  readonly condition: string;
  /**
   * The replicate that recorded the value; `null` when values cannot be
   * matched to replicates (a metric recorded more or less than once per
   * successful replicate, or a partial, cancelled run).
   */
  readonly replicate: number | null;
  /** That replicate's seed (`null` with `replicate`, or when the run had none). */
  readonly seed: number | null;
  /** Metric name. */
  readonly metric: string;
  /** The value. */
  readonly value: MetricValue;
}

/**
 * One row per recorded value — replicate × condition × metric — with the
 * replicate's seed and the run's id, conditions baseline first, metrics in
 * recording order, values in replicate order. Failed replicates recorded
 * nothing, so they have no rows (`result.errors` lists them).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { resultRows } from "./rows.ts";
 *
 * const result = await experiment.run({ replicates: 3, seed: 7 });
 * const rows = resultRows(result.toJSON());
 * assert.equal(rows.length, 6); // 3 replicates × (baseline, boost_total) × total
 * assert.deepEqual(rows.map((r) => r.replicate), [0, 1, 2, 0, 1, 2]);
 * assert.equal(rows[1].seed, result.provenance.seeds.baseline[1]);
 * ```
 */
export function resultRows(result: ResultJson, version: number | null = null): ResultRow[] {
  const p = result.provenance;
  const conditions = [
    ["baseline", result.metrics.baseline] as const,
    ...Object.entries(result.metrics.treatments),
  ];
  return conditions.flatMap(([condition, metrics]) => {
    const succeeded = successfulReplicates(result, condition);
    const seeds = p.seeds?.[condition] ?? [];
    return Object.entries(metrics).flatMap(([metric, values]) => {
      const matched = succeeded !== undefined && succeeded.length === values.length;
      return values.map((value, i) => {
        const replicate = matched ? succeeded[i] : null;
        return {
          experiment: result.experiment,
          version,
          runId: p.runId,
          condition,
          replicate,
          seed: replicate === null ? null : seeds[replicate] ?? null,
          metric,
          value,
        };
      });
    });
  });
}

/**
 * The replicates of `condition` that succeeded, in order, when the run
 * completed (every replicate ran: one seed each); `undefined` otherwise.
 */
function successfulReplicates(result: ResultJson, condition: string): number[] | undefined {
  const p = result.provenance;
  const ran = p.seeds?.[condition]?.length;
  if (ran !== p.replicates || (result.cancelled ?? []).some((c) => c.condition === condition)) {
    return undefined;
  }
  const failed = new Set(
    result.errors.filter((e) => e.condition === condition).map((e) => e.replicate),
  );
  return Array.from({ length: ran }, (_, r) => r).filter((r) => !failed.has(r));
}
