import type { ResultJson } from "../storage/result_json.ts";
import type { TreatmentVerdict } from "../verify/hypothesis.ts";
import { type ConditionSample, conditionSamples } from "./conditions.ts";
import { meanCiText } from "./mean_text.ts";
import type { ReportRun } from "./report_run.ts";
import { formatCell, formatNumber, table } from "./text_format.ts";

/**
 * The fixes a summary suggests, worded for where it is read: code
 * (`Result.toString()`) or the command line (`crystallize run` and `show`).
 */
export interface SummaryWording {
  /** How to recompute a run that resume found complete. */
  readonly rerun: string;
  /** How to set how many stored versions are kept. */
  readonly retention: string;
  /** How to repeat a run whose master seed was drawn. */
  readonly repeatSeed: (seed: number | undefined) => string;
  /** Where every failed replicate is listed, when the summary shows only the first. */
  readonly allFailures: string;
}

/** The summary's fixes worded for code: what `Result.toString()` prints. */
export const CODE_SUMMARY_WORDING: SummaryWording = {
  rerun: 'run({ strategy: "rerun" }) recomputes it',
  retention:
    "set it with the experiment's storage: { retention: N } or ArtifactPlugin({ retention })",
  repeatSeed: (seed) => `repeat with run({ seed: ${seed} })`,
  allFailures: "result.errors lists all",
};

/** Failed or cancelled replicates listed one by one before the rest are counted. */
const LISTED = 10;

/**
 * What the stored run is: resumed from another version (how many replicates
 * were reused and how many ran), or a complete run returned as it was; and
 * the older versions retention removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { storedLines } from "./text_summary.ts";
 *
 * const result = {
 *   provenance: {
 *     stored: { version: 20, resumedFrom: 19, reused: { baseline: 15, boost: 15 } },
 *     timings: { conditions: { baseline: { replicates: 18 }, boost: { replicates: 18 } } },
 *   },
 * } as unknown as ResultJson;
 * assert.deepEqual(storedLines(result), ["resumed from v19: reused 30, ran 6"]);
 * ```
 */
export function storedLines(
  result: ResultJson,
  wording: SummaryWording = CODE_SUMMARY_WORDING,
): string[] {
  const stored = result.provenance.stored;
  if (stored === undefined) return [];
  const lines: string[] = [];
  if (stored.upToDate) {
    lines.push(
      `nothing to do: v${stored.version} is complete (same code, data and settings); ${wording.rerun}`,
    );
  } else if (stored.resumedFrom !== undefined) {
    const reused = Object.values(stored.reused).reduce((a, b) => a + b, 0);
    const all = Object.values(result.provenance.timings.conditions)
      .reduce((a, c) => a + c.replicates, 0);
    lines.push(`resumed from v${stored.resumedFrom}: reused ${reused}, ran ${all - reused}`);
  }
  if (stored.removed !== undefined && stored.removed.length > 0) {
    lines.push(
      `removed ${stored.removed.map((v) => `v${v}`).join(", ")} (retention keeps the newest ${
        stored.retention ?? "?"
      } versions; ${wording.retention}; 0 keeps every version)`,
    );
  }
  return lines;
}

/**
 * The hypothesis' verdict line: which treatment is best and what "best"
 * ranks by, with the direction of its effect when the verifier reports one
 * (a two-sided p-value ranks a large effect in either direction first).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { bestLine } from "./text_summary.ts";
 *
 * const h = {
 *   ranking: { by: "lowest p-value", best: "boost", ranked: [] },
 *   results: [{ treatment: "boost", pValue: 0.01, effectSize: 1.8 }],
 * } as unknown as ResultJson["hypotheses"][number];
 * assert.equal(bestLine(h), "best (lowest p-value): boost (above the baseline, effect size 1.8)");
 * ```
 */
export function bestLine(h: ResultJson["hypotheses"][number]): string {
  const by = h.ranking.by ?? "lowest rank score";
  if (h.ranking.best === null) return `best (${by}): none`;
  const verdict = h.results.find((r) => r.treatment === h.ranking.best);
  const effect = verdict?.effectSize;
  const direction = typeof effect === "number" && Number.isFinite(effect) && effect !== 0
    ? ` (${effect > 0 ? "above" : "below"} the baseline, effect size ${formatNumber(effect)})`
    : "";
  return `best (${by}): ${h.ranking.best}${direction}`;
}

/**
 * A readable summary of a run: metrics per condition (n, mean ± 95% CI),
 * hypotheses with p-values and the ranking, artifacts, failed replicates
 * and provenance (seed, strategy, cache, timings, versions, git, where the
 * run is stored): the one text summary of a run. `Result.toString()`
 * prints it with the fixes worded for code; `crystallize run`, `show` and
 * the terminal UI word them for the command line. The text is as recorded:
 * a terminal front end escapes control characters itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { resultSummary } from "./text_summary.ts";
 *
 * const result = await experiment.run({ replicates: 4 });
 * assert.match(resultSummary(result.toJSON()), /boost_total/);
 * ```
 */
export function resultSummary(
  result: ResultJson,
  wording: SummaryWording = CODE_SUMMARY_WORDING,
): string {
  const p = result.provenance;
  return [
    `Experiment '${result.experiment}'${
      p.stored ? ` v${p.stored.version}` : ""
    }: ${p.replicates} replicate${p.replicates === 1 ? "" : "s"} per condition${
      p.cancelled ? " (cancelled: partial result)" : ""
    }`,
    ...storedLines(result, wording),
    "",
    ...metricLines(conditionSamples([{ result }])),
    ...hypothesisLines(result),
    ...artifactLines(result),
    ...unverifiedLines(result),
    ...cancelledLines(result),
    ...failureLines(result, wording),
    "",
    ...provenanceLines(result, wording),
  ].join("\n");
}

const HYPOTHESIS_HEADER = ["  treatment", "p", "p adj", "significant", "rank score"];

/** The metrics table: n and mean ± 95% CI per condition (labelled) and metric. */
function metricLines(samples: readonly ConditionSample[]): string[] {
  const rows: string[][] = [["  condition", "metric", "n", "mean ± CI"]];
  for (const s of samples) {
    for (const [metric, values] of Object.entries(s.metrics)) {
      const { n, text } = meanCiText(values);
      rows.push([`  ${s.label}`, metric, String(n || values.length), text]);
    }
  }
  return [
    "Metrics (mean ± 95% CI)",
    ...(rows.length > 1 ? table(rows) : ["  (no metrics recorded)"]),
  ];
}

function hypothesisLines(result: ResultJson): string[] {
  return result.hypotheses.flatMap((h) => [
    "",
    `Hypothesis '${h.name}' on ${h.metrics.join(", ")}: ${bestLine(h)}`,
    ...table([HYPOTHESIS_HEADER, ...h.results.map((r) => verdictRow(h, r, r.treatment))]),
  ]);
}

function verdictRow(
  h: ResultJson["hypotheses"][number],
  r: TreatmentVerdict,
  label: string,
): string[] {
  const score = h.ranking.ranked.find((x) => x.treatment === r.treatment)?.score;
  return [
    `  ${label}`,
    formatCell(r.pValue),
    formatCell(r.pValueAdjusted),
    formatCell(r.significant),
    formatCell(score),
  ];
}

/** The stored artifacts: per artifact and condition, how many files and the first. */
function artifactLines(result: ResultJson): string[] {
  const artifacts = Object.entries(result.artifacts ?? {});
  if (artifacts.length === 0) return [];
  const lines = ["", "Artifacts"];
  for (const [name, byCondition] of artifacts) {
    for (const [condition, files] of Object.entries(byCondition)) {
      const written = files.filter((f): f is string => typeof f === "string");
      lines.push(
        `  ${name} · ${condition}: ${written.length} file${written.length === 1 ? "" : "s"}${
          written[0] ? ` (${written[0]}${written.length > 1 ? ", ..." : ""})` : ""
        }`,
      );
    }
  }
  return lines;
}

/** Why hypotheses were not verified: the run was cancelled, or no baseline replicate succeeded. */
function unverifiedLines(result: ResultJson): string[] {
  const p = result.provenance;
  const unverified = p.hypotheses.filter((name) => !result.hypotheses.some((h) => h.name === name));
  const baseline = p.timings.conditions.baseline;
  const baselineFailed = (baseline?.replicates ?? 0) > 0 &&
    baseline.failed === baseline.replicates;
  if (unverified.length === 0 || !(p.cancelled || baselineFailed)) return [];
  return [
    "",
    `Hypotheses not verified: ${unverified.join(", ")} (${
      p.cancelled
        ? "the run was cancelled"
        : "no replicate of the baseline succeeded; see the failures below"
    })`,
  ];
}

function cancelledLines(result: ResultJson): string[] {
  const cancelled = result.cancelled ?? [];
  if (cancelled.length === 0) return [];
  return [
    "",
    `Cancelled replicates: ${cancelled.length} (stopped by the cancel, not failures)`,
    ...cancelled.slice(0, LISTED).map((c) => `  ${c.condition} #${c.replicate} at ${c.step}`),
    ...(cancelled.length > LISTED ? [`  ... and ${cancelled.length - LISTED} more`] : []),
  ];
}

function failureLines(result: ResultJson, wording: SummaryWording): string[] {
  const errors = result.errors;
  if (errors.length === 0) return [];
  return [
    "",
    `Failed replicates: ${errors.length}`,
    ...errors.slice(0, LISTED).map((e) =>
      `  ${e.condition} #${e.replicate} in ${e.step}: ${e.name}: ${e.message}`
    ),
    ...(errors.length > LISTED
      ? [`  ... and ${errors.length - LISTED} more (${wording.allFailures})`]
      : []),
  ];
}

function provenanceLines(result: ResultJson, wording: SummaryWording): string[] {
  const p = result.provenance;
  return [
    "Provenance",
    `  run ${p.runId}, started ${p.startedAt}, ${(p.durationMs / 1000).toFixed(2)} s`,
    `  seed ${p.seed ?? "none"}${
      p.seedDrawn ? ` (drawn; ${wording.repeatSeed(p.seed)})` : ""
    }, ${p.executionStrategy}`,
    `  steps: ${p.pipeline.steps.map((s) => s.name).join(" → ")}`,
    `  cache: ${p.cache.hits} hits, ${p.cache.misses} misses`,
    `  Deno ${p.environment.deno}, ${p.environment.os}/${p.environment.arch}` +
    (p.git ? `, git ${p.git.commit.slice(0, 12)}${p.git.dirty ? " (dirty)" : ""}` : ""),
    ...(result.outputDir ? [`  stored in ${result.outputDir}`] : []),
  ];
}

/**
 * A summary across stored versions, as the original's summary combined
 * them: metrics per condition with `treatment (vN)` rows, and each
 * hypothesis' verdicts per version (`crystallize show --all-versions`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { versionsSummary } from "./text_summary.ts";
 *
 * const a = (await experiment.run({ replicates: 3, seed: 1 })).toJSON();
 * const b = (await experiment.run({ replicates: 3, seed: 2 })).toJSON();
 * const text = versionsSummary([{ result: a, version: 1 }, { result: b, version: 2 }]);
 * assert.match(text, /boost_total \(v2\)/);
 * ```
 */
export function versionsSummary(runs: readonly ReportRun[]): string {
  const name = runs.at(-1)?.result.experiment ?? "?";
  const lines = [
    `Experiment '${name}': ${runs.length} version${runs.length === 1 ? "" : "s"} (${
      runs.map((r) => `v${r.version ?? "?"}`).join(", ")
    })`,
    "",
    ...metricLines(conditionSamples(runs)),
  ];
  const names = [...new Set(runs.flatMap((r) => r.result.hypotheses.map((h) => h.name)))];
  for (const hname of names) {
    lines.push("", `Hypothesis '${hname}'`);
    const rows = runs.flatMap(({ result, version }) =>
      result.hypotheses.filter((h) => h.name === hname).flatMap((h) =>
        h.results.map((r) => verdictRow(h, r, `${r.treatment} (v${version ?? "?"})`))
      )
    );
    lines.push(...table([HYPOTHESIS_HEADER, ...rows]));
  }
  return lines.join("\n");
}
