/** Datasources of the producer experiment. @module */
import { dataSource } from "../../../mod.ts";

/** `count` readings around 20 °C with unit noise. */
export const sensor = dataSource(
  (ctx, { count }) => Array.from({ length: count }, () => 20 + ctx.rng.normal(0, 1)),
  { name: "sensor", params: { count: 10 } },
);
