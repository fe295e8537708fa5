/**
 * CPU-bound steps on a pool of worker processes, with a resource built once
 * per worker. Each replicate estimates π by Monte Carlo with its seeded
 * `ctx.rng`; the `more_samples` treatment draws four times as many points,
 * and a Welch test on the absolute error checks that it helps. The lookup
 * table is a `resourceFactory`: each worker builds it once, and it is never
 * copied between processes.
 *
 * Everything the workers rebuild is exported: they import this module and
 * find the datasource, steps and resource among its exports.
 *
 * Run: `deno run --allow-read=. --allow-run=deno examples/process_pool.ts`
 * @module
 */
import {
  dataSource,
  Experiment,
  hypothesis,
  ParallelExecution,
  pipelineStep,
  resourceFactory,
  SeedPlugin,
  stats,
  treatment,
} from "../mod.ts";

/** A table of squares, standing in for an expensive per-worker resource (a model, a connection). */
export const squares = resourceFactory(() => {
  const table = new Float64Array(1 << 16);
  for (let i = 0; i < table.length; i++) table[i] = (i / table.length) ** 2;
  return { table, builtAt: Date.now(), id: crypto.randomUUID() };
});

/** How many points each replicate draws (a treatment changes it). */
export const samples = dataSource((_ctx, { points }) => points, {
  name: "samples",
  params: { points: 200_000 },
});

/** Monte Carlo estimate of π: the share of random points inside the quarter circle, ×4. */
export const estimatePi = pipelineStep((points: number, ctx, { lookup }) => {
  const { table } = lookup;
  let inside = 0;
  for (let i = 0; i < points; i++) {
    const x = table[ctx.rng.below(table.length)];
    const y = table[ctx.rng.below(table.length)];
    if (x + y <= 1) inside++;
  }
  const estimate = (4 * inside) / points;
  ctx.metrics.add("abs_error", Math.abs(estimate - Math.PI));
  ctx.metrics.add("worker", lookup.id);
  return estimate;
}, { name: "estimate_pi", params: { lookup: squares } });

/** Four times the points. */
export const moreSamples = treatment("more_samples", { points: 800_000 });

/** The experiment: 16 replicates on 2 worker processes. */
export const experiment = Experiment.builder("monte_carlo_pi")
  .datasource(samples())
  .addStep(estimatePi())
  .plugins([
    new ParallelExecution({ executorType: "process", maxWorkers: 2 }),
    new SeedPlugin({ seed: 11 }),
  ])
  .treatments([moreSamples])
  .hypotheses([
    hypothesis({
      name: "smaller_error",
      verifier: stats.welch({ alternative: "less" }),
      metrics: "abs_error",
    }),
  ])
  .replicates(16)
  .build();

if (import.meta.main) {
  const result = await experiment.run();
  console.log(result.toString());
  const workers = new Set([
    ...result.metrics.baseline.metrics.worker,
    ...result.metrics.treatments.more_samples.metrics.worker,
  ]);
  console.log(`lookup tables built: ${workers.size} (one per worker process)`);
}
