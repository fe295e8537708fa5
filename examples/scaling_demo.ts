/**
 * The seed document's scaling demo: replicates, a treatment and a hypothesis.
 * Each replicate draws three noisy numbers from its seeded `ctx.rng`; the
 * `boost_total` treatment adds 10 to each; a Welch t-test checks that the
 * boost raises the total.
 *
 * Run: `deno task example` (or `deno run --allow-read=. examples/scaling_demo.ts`).
 * @module
 */
import {
  dataSource,
  Experiment,
  hypothesis,
  ParallelExecution,
  pipelineStep,
  SeedPlugin,
  stats,
  treatment,
  verifier,
} from "../mod.ts";

/** Three numbers around zero, different per replicate, reproducible per seed. */
export const fetchNumbers = dataSource((ctx) => [0, 0, 0].map(() => ctx.rng.normal(0, 1)), {
  name: "fetch_numbers",
});

/** Adds `delta` to every number; `delta` is injected from the treatment (default 0). */
export const addDelta = pipelineStep(
  (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
  { name: "add_delta", params: { delta: 0 } },
);

/** Records the sum as metric `total`. */
export const total = pipelineStep((data: number[], ctx) => {
  ctx.metrics.add("total", data.reduce((a, b) => a + b, 0));
  return data;
}, { name: "total" });

/** The treatment: every number boosted by 10. */
export const boost = treatment("boost_total", { delta: 10 });

/** Welch's t-test on `total`, treatment vs baseline. */
export const welch = verifier((baseline, treated, { alpha }) => {
  const t = stats.welchTTest(treated.total, baseline.total);
  return { pValue: t.pValue, significant: t.pValue < alpha };
}, { name: "welch", params: { alpha: 0.05 } });

/** Ranks treatments by p-value (lower is better). */
export const byP = hypothesis({
  name: "by_p_value",
  verifier: welch(),
  metrics: "total",
  rankBy: (r) => r.pValue ?? 1,
});

/** The experiment: 40 replicates by default, run with 32 below. */
export const experiment = Experiment.builder("scaling_demo")
  .datasource(fetchNumbers())
  .addStep(addDelta())
  .addStep(total())
  .plugins([
    new ParallelExecution({ maxWorkers: 2, executorType: "thread" }),
    new SeedPlugin({ seed: 2024 }),
  ])
  .treatments([boost()])
  .hypotheses([byP])
  .replicates(40)
  .build();

if (import.meta.main) {
  const result = await experiment.run({ replicates: 32 });
  console.log(result.toString());
  console.log(`baseline totals: ${result.metrics.baseline.metrics.total.length}`);
  console.log(`replicates in provenance: ${result.provenance.replicates}`);
  console.log(`best treatment: ${result.getHypothesis("by_p_value")?.ranking.best}`);
}
