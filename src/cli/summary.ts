import { printable } from "./printable.ts";
import type { ResultJson } from "../storage/result_json.ts";
import { type ConditionSample, conditionSamples } from "../report/conditions.ts";
import { meanCiText } from "../report/mean_text.ts";
import type { ReportRun } from "../report/report_run.ts";
import { formatCell, formatNumber, table } from "../report/text_format.ts";
import type { TreatmentVerdict } from "../verify/hypothesis.ts";

/**
 * What the stored run is: resumed from another version (how many replicates
 * were reused and how many ran), or a complete run returned as it was; and
 * the older versions retention removed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { storedLines } from "./summary.ts";
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
export function storedLines(result: ResultJson): string[] {
  const stored = result.provenance.stored;
  if (stored === undefined) return [];
  const lines: string[] = [];
  if (stored.upToDate) {
    lines.push(
      `nothing to do: v${stored.version} is complete (same code, data and settings); ` +
        "--strategy rerun recomputes it",
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
      } versions; set it with ArtifactPlugin: { retention: N } under plugins: in config.yaml, ` +
        "or ArtifactPlugin({ retention }) in code; 0 keeps every version)",
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
 * import { bestLine } from "./summary.ts";
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
 * run is stored).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { formatSummary } from "./summary.ts";
 *
 * const result = await experiment.run({ replicates: 4 });
 * assert.match(formatSummary(result.toJSON()), /boost_total/);
 * ```
 */
export function formatSummary(result: ResultJson): string {
  const p = result.provenance;
  const lines = [
    `Experiment '${result.experiment}'${
      p.stored ? ` v${p.stored.version}` : ""
    }: ${p.replicates} replicate${p.replicates === 1 ? "" : "s"} per condition${
      p.cancelled ? " (cancelled: partial result)" : ""
    }`,
    ...storedLines(result),
    "",
    "Metrics (mean ± 95% CI)",
  ];
  lines.push(...metricLines(conditionSamples([{ result }])));
  for (const h of result.hypotheses) {
    lines.push("", `Hypothesis '${h.name}' on ${h.metrics.join(", ")}: ${bestLine(h)}`);
    lines.push(
      ...table([HYPOTHESIS_HEADER, ...h.results.map((r) => verdictRow(h, r, r.treatment))]),
    );
  }
  lines.push(...artifactLines(result));
  const unverified = p.hypotheses.filter((name) => !result.hypotheses.some((h) => h.name === name));
  const baselineFailed = (p.timings.conditions.baseline?.replicates ?? 0) > 0 &&
    p.timings.conditions.baseline.failed === p.timings.conditions.baseline.replicates;
  if (unverified.length > 0 && (p.cancelled || baselineFailed)) {
    lines.push(
      "",
      `Hypotheses not verified: ${unverified.join(", ")} (${
        p.cancelled
          ? "the run was cancelled"
          : "no replicate of the baseline succeeded; see the failures below"
      })`,
    );
  }
  const cancelled = result.cancelled ?? [];
  if (cancelled.length > 0) {
    lines.push(
      "",
      `Cancelled replicates: ${cancelled.length} (stopped by the cancel, not failures)`,
    );
    for (const c of cancelled.slice(0, 10)) {
      lines.push(`  ${c.condition} #${c.replicate} at ${c.step}`);
    }
    if (cancelled.length > 10) lines.push(`  ... and ${cancelled.length - 10} more`);
  }
  if (result.errors.length > 0) {
    lines.push("", `Failed replicates: ${result.errors.length}`);
    for (const e of result.errors.slice(0, 10)) {
      lines.push(`  ${e.condition} #${e.replicate} in ${e.step}: ${e.name}: ${e.message}`);
    }
    if (result.errors.length > 10) {
      lines.push(`  ... and ${result.errors.length - 10} more (--json lists all)`);
    }
  }
  lines.push(
    "",
    "Provenance",
    `  run ${p.runId}, started ${p.startedAt}, ${(p.durationMs / 1000).toFixed(2)} s`,
    `  seed ${p.seed ?? "none"}${
      p.seedDrawn ? " (drawn; repeat with --seed " + p.seed + ")" : ""
    }, ${p.executionStrategy}`,
    `  steps: ${p.pipeline.steps.map((s) => s.name).join(" → ")}`,
    `  cache: ${p.cache.hits} hits, ${p.cache.misses} misses`,
    `  Deno ${p.environment.deno}, ${p.environment.os}/${p.environment.arch}` +
      (p.git ? `, git ${p.git.commit.slice(0, 12)}${p.git.dirty ? " (dirty)" : ""}` : ""),
  );
  if (result.outputDir) lines.push(`  stored in ${result.outputDir}`);
  // Names, messages and stored values come from experiments: no control characters reach the terminal.
  return printable(lines.join("\n"));
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
  return rows.length > 1 ? table(rows) : ["  (no metrics recorded)"];
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

/**
 * A summary across stored versions, as the original's summary combined
 * them: metrics per condition with `treatment (vN)` rows, and each
 * hypothesis' verdicts per version.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { formatVersionsSummary } from "./summary.ts";
 *
 * const a = (await experiment.run({ replicates: 3, seed: 1 })).toJSON();
 * const b = (await experiment.run({ replicates: 3, seed: 2 })).toJSON();
 * const text = formatVersionsSummary([{ result: a, version: 1 }, { result: b, version: 2 }]);
 * assert.match(text, /boost_total \(v2\)/);
 * ```
 */
export function formatVersionsSummary(runs: readonly ReportRun[]): string {
  const name = runs.at(-1)?.result.experiment ?? "?";
  const lines = [
    `Experiment '${name}': ${runs.length} version${runs.length === 1 ? "" : "s"} (${
      runs.map((r) => `v${r.version ?? "?"}`).join(", ")
    })`,
    "",
    "Metrics (mean ± 95% CI)",
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
  return printable(lines.join("\n"));
}
