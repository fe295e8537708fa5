import assert from "node:assert/strict";
import { quickExperiment } from "../mod.ts";

Deno.test("quickExperiment: every config and replicate, in order, with per-replicate contexts", async () => {
  const seen: string[] = [];
  const out = await quickExperiment(
    (cfg: { n: number }, ctx) => {
      seen.push(`${ctx.condition}:${ctx.replicate}`);
      return cfg.n + ctx.replicate;
    },
    { small: { n: 1 }, large: { n: 100 } },
    { replicates: 3, seed: 7 },
  );
  assert.deepEqual(out, { small: [1, 2, 3], large: [100, 101, 102] });
  assert.deepEqual(seen, ["small:0", "small:1", "small:2", "large:0", "large:1", "large:2"]);
});

Deno.test("quickExperiment: seeded, common random numbers across configs, async functions awaited", async () => {
  const draw = async (_cfg: null, ctx: { rng: { random(): number }; seed: number | undefined }) => {
    await Promise.resolve();
    return [ctx.seed, ctx.rng.random()];
  };
  const a = await quickExperiment(draw, { x: null, y: null }, { replicates: 2, seed: 11 });
  const b = await quickExperiment(draw, { x: null }, { replicates: 2, seed: 11 });
  assert.deepEqual(a.x, a.y, "replicate i of every config shares its seed");
  assert.deepEqual(a.x, b.x, "same seed, same values");
  assert.deepEqual(a.x.map((v) => v[0]), [11, 11 + 31337]);
  await assert.rejects(
    quickExperiment(() => 1, { a: 1 }, { replicates: 0 }),
    /replicates must be a whole number from 1 to 1000000/,
  );
});
