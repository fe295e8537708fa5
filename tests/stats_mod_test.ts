import { deepStrictEqual, ok } from "node:assert/strict";
import * as stats from "../src/verify/stats/mod.ts";
import { CrystallizeError } from "../src/errors.ts";

Deno.test("stats namespace exports exactly the public contract", () => {
  deepStrictEqual(Object.keys(stats).sort(), [
    "StatisticsInputError",
    "benjaminiHochberg",
    "bootstrapMeanDiffCI",
    "cohensD",
    "hedgesG",
    "holm",
    "mannWhitneyU",
    "studentTTest",
    "welchTTest",
  ]);
});

Deno.test("StatisticsInputError is an Error and a CrystallizeError with a proper name", () => {
  try {
    stats.welchTTest([1], [2, 3]);
    ok(false, "should have thrown");
  } catch (e) {
    ok(e instanceof stats.StatisticsInputError);
    ok(e instanceof CrystallizeError);
    ok(e instanceof Error);
    ok(e.name === "StatisticsInputError");
    ok(e.message.startsWith("welchTTest: "), e.message);
  }
});
