/**
 * Cost of the ready verifiers (`stats.welch()`, `stats.studentT()`,
 * `stats.mannWhitney()`, default options) per replicate: one call of
 * `verify(baseline, treated)` on samples of n values each (n replicates of
 * one metric), for n = 1k, 100k and 1M, next to the floor of reading both
 * samples once (a plain sum).
 *
 * Run: `deno task bench:verifiers [max n] [rounds at 1M]` (defaults 1000000
 * and 3; the figures are medians of the rounds). Goal (issue #5): ≤ 1 µs
 * per replicate at 1M.
 * @module
 */
import { Rng, stats } from "../mod.ts";

function sample(n: number, mu: number, seed: number): number[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => rng.normal(mu, 1));
}

/** Median ms of `rounds` calls of `fn`. */
function timed(rounds: number, fn: () => unknown): number {
  const ms: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    fn();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  return ms[ms.length >> 1];
}

const VERIFIERS = { welch: stats.welch, studentT: stats.studentT, mannWhitney: stats.mannWhitney };

if (import.meta.main) {
  const max = Number(Deno.args[0] ?? 1_000_000);
  const roundsAtMillion = Number(Deno.args[1] ?? 3);
  console.log("Ready verifiers, default options, n replicates per condition: µs per replicate");
  for (const n of [1_000, 100_000, 1_000_000].filter((n) => n <= max)) {
    const baseline = { x: sample(n, 0, 1) };
    const treated = { x: sample(n, 0.01, 2) };
    const rounds = n >= 1_000_000 ? roundsAtMillion : n >= 100_000 ? 5 : 21;
    const floor = timed(rounds, () => {
      let s = 0;
      for (const v of baseline.x) s += v;
      for (const v of treated.x) s += v;
      return s;
    });
    const cells = [`floor (sum) ${(floor * 1000 / n).toFixed(3)}`];
    for (const [name, make] of Object.entries(VERIFIERS)) {
      const verifier = make();
      if (n < 1_000_000) verifier.verify(baseline, treated); // warm-up (the smaller sizes warmed up 1M)
      const ms = timed(rounds, () => verifier.verify(baseline, treated));
      cells.push(`${name} ${(ms * 1000 / n).toFixed(3)}`);
    }
    console.log(`  n=${String(n).padEnd(8)} ${cells.join("  ")}`);
  }
}
