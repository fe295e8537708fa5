/**
 * The run screen's History tab: an experiment's metrics across its stored
 * versions, as the original's summary from history shows them — the
 * baseline from the newest version, each treatment from the newest version
 * that ran it, labelled `treatment (vN)` — with the best treatment marked.
 * @module
 */
import type { ResultJson } from "../../storage/result_json.ts";
import { meanCiText } from "../../report/mean_text.ts";
import { table } from "../../report/text_format.ts";

/** A stored version's result. */
export interface VersionResult {
  /** Version number. */
  readonly version: number;
  /** Its result. */
  readonly result: ResultJson;
}

/** Marks the best treatment's rows (coloured green when colours are on). */
export const BEST_MARK = "★";

/** A condition and the version its values come from. */
interface Source {
  readonly condition: string;
  readonly version: number;
  readonly metrics: Readonly<Record<string, readonly unknown[]>>;
}

/**
 * The History tab's lines for one experiment from its finished versions
 * (any order): a table of metric means ± 95% CI per `condition (vN)`, the
 * best treatment's rows marked with {@linkcode BEST_MARK}, and per
 * hypothesis the best treatment across versions — lowest rank score in the
 * newest version that verified each treatment.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../../storage/result_json.ts";
 * import { historyLines } from "./history.ts";
 *
 * const run = (treatments: Record<string, number[]>, scores: Record<string, number>) =>
 *   ({
 *     experiment: "demo",
 *     metrics: { baseline: { total: [1, 2] }, treatments: Object.fromEntries(Object.entries(treatments).map(([t, v]) => [t, { total: v }])) },
 *     hypotheses: [{ name: "h", ranking: { best: null, ranked: Object.entries(scores).map(([treatment, score]) => ({ treatment, score })) }, results: [] }],
 *   }) as unknown as ResultJson;
 * const lines = historyLines("demo", [
 *   { version: 0, result: run({ a: [5, 6] }, { a: 0.01 }) },
 *   { version: 1, result: run({ b: [2, 3] }, { b: 0.2 }) },
 * ]);
 * assert.ok(lines.some((l) => /^★ a \(v0\) +total +2 +5\.5/.test(l)));
 * assert.ok(lines.includes("best by h (lowest rank score): a (v0)"));
 * ```
 */
export function historyLines(experiment: string, versions: readonly VersionResult[]): string[] {
  const newest = versions.toSorted((a, b) => b.version - a.version);
  if (newest.length === 0) {
    return [`No finished run of ${experiment} is stored yet: press r to run it.`];
  }
  const sources: Source[] = [{
    condition: "baseline",
    version: newest[0].version,
    metrics: newest[0].result.metrics.baseline,
  }];
  for (const { version, result } of newest) {
    for (const [condition, metrics] of Object.entries(result.metrics.treatments)) {
      if (!sources.some((s) => s.condition === condition)) {
        sources.push({ condition, version, metrics });
      }
    }
  }
  const bests = bestPerHypothesis(newest, sources);
  const starred = bests[0]?.condition;
  const rows = [["  condition", "metric", "n", "mean ± CI"]];
  for (const s of sources) {
    const mark = s.condition === starred ? `${BEST_MARK} ` : "  ";
    for (const [metric, values] of Object.entries(s.metrics)) {
      const { n, text } = meanCiText(values);
      rows.push([`${mark}${s.condition} (v${s.version})`, metric, String(n), text]);
    }
  }
  const count = newest.length;
  return [
    `History of ${experiment}: ${count} stored version${count === 1 ? "" : "s"}, ` +
    "each treatment from the newest version that ran it",
    ...table(rows),
    "",
    ...(bests.length === 0
      ? ["No hypothesis ranks the treatments."]
      : bests.map((b) =>
        `best by ${b.hypothesis} (${b.by}): ${
          b.condition === undefined ? "none" : `${b.condition} (v${b.version})`
        }`
      )),
  ];
}

interface Best {
  readonly hypothesis: string;
  readonly by: string;
  readonly condition: string | undefined;
  readonly version: number | undefined;
}

function bestPerHypothesis(newest: readonly VersionResult[], sources: readonly Source[]): Best[] {
  const names = [...new Set(newest.flatMap((v) => v.result.hypotheses.map((h) => h.name)))];
  return names.map((hypothesis) => {
    let best: { condition: string; version: number; score: number } | undefined;
    let by = "lowest rank score";
    for (const s of sources.slice(1)) {
      const h = newest.find((v) => v.version === s.version)?.result.hypotheses
        .find((x) => x.name === hypothesis);
      const score = h?.ranking.ranked.find((r) => r.treatment === s.condition)?.score;
      if (typeof score !== "number" || Number.isNaN(score)) continue;
      by = h?.ranking.by ?? by;
      if (best === undefined || score < best.score) best = { ...s, score };
    }
    return { hypothesis, by, condition: best?.condition, version: best?.version };
  });
}
