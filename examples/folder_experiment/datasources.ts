/**
 * Datasources of the smoothing experiment: factories exported by name, as
 * config.yaml's `datasource` section refers to them.
 * @module
 */
import { dataSource } from "../../mod.ts";

/** A sine wave and a copy with Gaussian noise (seeded per replicate through `ctx.rng`). */
export const noisySine = dataSource((ctx, { length, noise }) => {
  const truth = Array.from({ length }, (_, i) => Math.sin((2 * Math.PI * i) / length));
  const noisy = truth.map((y) => y + ctx.rng.normal(0, noise));
  return { truth, noisy };
}, { name: "noisy_sine", params: { length: 100, noise: 0.3 } });
