import type { ResultJson } from "../storage/result_json.ts";
import { type Child, element, type Html, htmlTable } from "./html.ts";
import { plotFigure } from "./plot_figure.ts";
import { timingRows, timingSpec } from "./specs/timing_spec.ts";

/** Failures listed in full at most; the rest are counted. */
const MAX_FAILURES = 200;

/**
 * The run's time per step and condition (a chart, cache hits marked), its
 * failed and cancelled replicates with their messages, and its provenance:
 * run id, seed, strategy, datasource, steps with parameters and code
 * hashes, treatments, cache use, runtime versions, git commit, where it is
 * stored.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { experiment } from "../../examples/scaling_demo.ts";
 * import { runDetailsSection } from "./run_details_section.ts";
 *
 * const result = await experiment.run({ replicates: 4 });
 * const html = (await runDetailsSection(result.toJSON())).html;
 * assert.match(html, /data-plot="timing"/);
 * assert.match(html, /No replicate failed/);
 * ```
 */
export async function runDetailsSection(result: ResultJson): Promise<Html> {
  const p = result.provenance;
  const spec = timingSpec(timingRows(p.timings), p.pipeline.steps.map((s) => s.name));
  return element("section", { class: "details" }, [
    element("h3", {}, ["Time"]),
    spec === undefined
      ? element("p", {}, ["No step ran."])
      : await plotFigure(spec, { "data-plot": "timing" }),
    ...failures(result),
    element("h3", {}, ["Provenance"]),
    provenanceList(result),
  ]);
}

function failures(result: ResultJson): Child[] {
  const parts: Child[] = [element("h3", {}, ["Failures"])];
  if (result.errors.length === 0) parts.push(element("p", {}, ["No replicate failed."]));
  else {
    parts.push(
      element("p", {}, [`${result.errors.length} failed replicate(s):`]),
      htmlTable(
        ["condition", "replicate", "step", "error", "message"],
        result.errors.slice(0, MAX_FAILURES).map((e) => [
          e.condition,
          String(e.replicate),
          e.step,
          e.name,
          element("pre", {}, [e.message]),
        ]),
      ),
    );
    if (result.errors.length > MAX_FAILURES) {
      parts.push(element("p", {}, [`… and ${result.errors.length - MAX_FAILURES} more`]));
    }
  }
  const cancelled = result.cancelled ?? [];
  if (cancelled.length > 0) {
    parts.push(element("p", {}, [
      `${cancelled.length} replicate(s) stopped by a cancel (not failures): ` +
      cancelled.slice(0, 20).map((c) => `${c.condition} #${c.replicate} at ${c.step}`).join(", "),
    ]));
  }
  return parts;
}

function provenanceList(result: ResultJson): Html {
  const p = result.provenance;
  const env = p.environment;
  const entries: [string, Child][] = [
    ["run", `${p.runId}, started ${p.startedAt}, ${(p.durationMs / 1000).toFixed(2)} s`],
    ["replicates", `${p.replicates} per condition${p.cancelled ? " (cancelled: partial)" : ""}`],
    ["seed", `${p.seed ?? "none"}${p.seedDrawn ? " (drawn at random; repeat with --seed)" : ""}`],
    ["strategy", p.executionStrategy],
    ["datasource", `${p.datasource.name} ${JSON.stringify(p.datasource.params)}`],
    [
      "steps",
      htmlTable(
        ["step", "parameters", "code hash", "cacheable"],
        p.pipeline.steps.map((s) => [
          s.name,
          JSON.stringify(s.params),
          element("code", {}, [s.codeHash.slice(0, 16)]),
          s.cacheable ? "yes" : "no",
        ]),
      ),
    ],
    [
      "treatments",
      p.treatments.length === 0 ? "none" : p.treatments
        .map((t) => `${t.name}: ${t.function ? "(function)" : JSON.stringify(t.values)}`)
        .join("; "),
    ],
    ["cache", `${p.cache.hits} hits, ${p.cache.misses} misses, ${p.cache.off ?? 0} uncached`],
    [
      "versions",
      [
        `Deno ${env.deno}`,
        env.v8 && `V8 ${env.v8}`,
        env.typescript && `TypeScript ${env.typescript}`,
      ]
        .filter(Boolean).join(", ") + `, ${env.os}/${env.arch}`,
    ],
    [
      "git",
      p.git === undefined
        ? "not in a git checkout"
        : `${p.git.commit}${p.git.branch ? ` on ${p.git.branch}` : ""}${
          p.git.dirty === true ? " (uncommitted changes)" : ""
        }`,
    ],
  ];
  if (p.stored !== undefined) {
    const resumed = p.stored.resumedFrom === undefined
      ? ""
      : `, resumed from v${p.stored.resumedFrom}`;
    entries.push(["stored", `v${p.stored.version} in ${p.stored.dir}${resumed}`]);
  }
  return element(
    "dl",
    { class: "provenance" },
    entries.flatMap(([k, v]) => [element("dt", {}, [k]), element("dd", {}, [v])]),
  );
}
