import assert from "node:assert/strict";
import { ContextMutationError, FrozenContext, MetricsLog, Rng, standaloneContext } from "../mod.ts";

Deno.test("FrozenContext: get, fallback, has and add-only semantics", () => {
  const ctx = standaloneContext({ lr: 0.1 });
  assert.equal(ctx.get("lr"), 0.1);
  assert.equal(ctx.get("missing", 5), 5);
  assert.equal(ctx.get("missing"), undefined);
  assert.equal(ctx.has("lr"), true);
  ctx.add("batch", 32);
  assert.equal(ctx.get("batch"), 32);
  assert.throws(() => ctx.add("lr", 0.2), (e: Error) => {
    assert.ok(e instanceof ContextMutationError);
    assert.match(e.message, /Cannot add 'lr'.*already holds 0\.1.*add-only/);
    return true;
  });
  assert.equal(ctx.get("lr"), 0.1);
});

Deno.test("FrozenContext: values are frozen so a reader cannot change them for others", () => {
  const ctx = standaloneContext();
  ctx.add("cfg", { layers: [1, 2], opt: { lr: 1 } });
  const cfg = ctx.get<{ layers: number[]; opt: { lr: number } }>("cfg");
  assert.throws(() => cfg.layers.push(3), TypeError);
  assert.throws(() => (cfg.opt.lr = 2), TypeError);
  assert.deepEqual(ctx.get("cfg"), { layers: [1, 2], opt: { lr: 1 } });
});

Deno.test("FrozenContext: framework keys are readable and cannot be added", () => {
  const ctx = new FrozenContext({}, { replicate: 3, condition: "fast", seed: 99 });
  assert.equal(ctx.get("replicate"), 3);
  assert.equal(ctx.get("condition"), "fast");
  assert.equal(ctx.get("seed_used"), 99);
  assert.equal(ctx.replicate, 3);
  assert.equal(ctx.condition, "fast");
  assert.equal(ctx.seed, 99);
  for (const key of ["replicate", "condition", "seed_used"]) {
    assert.throws(() => ctx.add(key, 1), /set by the framework/);
  }
  assert.throws(
    () => standaloneContext({ replicate: 1 }),
    /pass it as an option \(\{ replicate \}\)/,
  );
});

Deno.test("FrozenContext: record() and metrics keep values and tags in order", () => {
  const ctx = standaloneContext();
  ctx.record("loss", 0.5);
  ctx.metrics.add("loss", 0.25, { epoch: 2 });
  ctx.metrics.add("acc", 0.9);
  assert.deepEqual(ctx.metrics.get("loss"), [0.5, 0.25]);
  assert.deepEqual(ctx.metrics.tags("loss"), [{}, { epoch: 2 }]);
  assert.deepEqual(ctx.metrics.tags("acc"), [{}]);
  assert.deepEqual(ctx.metrics.names(), ["loss", "acc"]);
  assert.deepEqual(ctx.metrics.get("nothing"), []);
  assert.equal(ctx.metrics.has("nothing"), false, "reading an unknown metric must not create it");
});

Deno.test("MetricsLog: tags added after untagged values line up", () => {
  const m = new MetricsLog();
  m.add("x", 1);
  m.add("x", 2);
  m.add("x", 3, { k: "v" });
  m.add("x", 4);
  assert.deepEqual(m.tags("x"), [{}, {}, { k: "v" }, {}]);
});

Deno.test("FrozenContext: keys, toObject and step name", () => {
  const ctx = new FrozenContext({ a: 1 }, { replicate: 0, condition: "baseline", seed: 1 });
  ctx.add("b", 2);
  assert.deepEqual(ctx.toObject(), {
    a: 1,
    b: 2,
    replicate: 0,
    condition: "baseline",
    seed_used: 1,
  });
  assert.deepEqual(ctx.keys().sort(), ["a", "b", "condition", "replicate", "seed_used"]);
  assert.equal(ctx.step, "");
});

Deno.test("FrozenContext: rng is seeded from the replicate seed and needs one", () => {
  const a = new FrozenContext({}, { seed: 42 });
  const b = new FrozenContext({}, { seed: 42 });
  assert.deepEqual([a.rng.random(), a.rng.random()], [b.rng.random(), b.rng.random()]);
  assert.throws(() => new FrozenContext({}, {}).rng, /ctx.rng needs a seed/);
  assert.equal(standaloneContext().seed, 0);
});

Deno.test("FrozenContext: artifacts record the step and refuse duplicate names", () => {
  const ctx = standaloneContext();
  ctx.artifacts.add("a.txt", "hello");
  assert.deepEqual([...ctx.artifacts].map((r) => [r.name, new TextDecoder().decode(r.data)]), [[
    "a.txt",
    "hello",
  ]]);
  assert.throws(() => ctx.artifacts.add("a.txt", "again"), ContextMutationError);
});

Deno.test("FrozenContext: logger is tagged with replicate and condition", () => {
  const records: unknown[] = [];
  const ctx = new FrozenContext({}, {
    replicate: 4,
    condition: "t",
    logger: {
      level: "debug",
      debug() {},
      info() {},
      warn() {},
      error() {},
      child(fields) {
        return { ...this, info: (m: string) => records.push({ m, ...fields }) };
      },
    },
  });
  ctx.logger.info("hello");
  assert.deepEqual(records, [{ m: "hello", replicate: 4, condition: "t" }]);
});

Deno.test("Rng: deterministic streams, ranges and distributions", () => {
  const rng = new Rng(7);
  const again = new Rng(7);
  const xs = Array.from({ length: 1000 }, () => rng.random());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => again.random()));
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.notDeepEqual(
    xs.slice(0, 5),
    Array.from({ length: 5 }, new Rng(8).random.bind(new Rng(8))),
  );
  const ints = Array.from({ length: 6000 }, () => rng.int(1, 6));
  assert.ok(ints.every((n) => Number.isInteger(n) && n >= 1 && n <= 6));
  for (let face = 1; face <= 6; face++) {
    const share = ints.filter((n) => n === face).length / ints.length;
    assert.ok(Math.abs(share - 1 / 6) < 0.03, `face ${face} share ${share}`);
  }
  assert.throws(() => rng.int(3, 1), RangeError);
  const normals = Array.from({ length: 20000 }, () => rng.normal(5, 2));
  const mean = normals.reduce((a, b) => a + b, 0) / normals.length;
  const sd = Math.sqrt(normals.reduce((a, b) => a + (b - mean) ** 2, 0) / (normals.length - 1));
  assert.ok(Math.abs(mean - 5) < 0.05, `mean ${mean}`);
  assert.ok(Math.abs(sd - 2) < 0.05, `sd ${sd}`);
  assert.deepEqual(rng.shuffle([1, 2, 3, 4]).sort(), [1, 2, 3, 4]);
  assert.ok([1, 2, 3].includes(rng.choice([1, 2, 3])));
});

Deno.test("Rng: the stream of a seed is pinned (changing the generator must be deliberate)", () => {
  // Values of this implementation (sfc32 seeded through splitmix32, 12 discarded
  // outputs). Every seeded experiment's numbers depend on them: a change here
  // breaks reproducibility of old runs and must be called out in the changelog.
  const rng = new Rng(123);
  assert.deepEqual([rng.uint32(), rng.uint32(), rng.uint32()], [629417593, 1268586715, 283082504]);
  assert.equal(new Rng(0).random(), 0.9791452499111826);
  assert.equal(new Rng(42).normal(0, 1), 0.6166719786501166);
  assert.equal(new Rng(2 ** 32 + 5).uint32(), new Rng(5).uint32(), "seeds are taken mod 2^32");
  const below = new Rng(1);
  assert.ok(Array.from({ length: 1000 }, () => below.below(3)).every((x) => x >= 0 && x < 3));
});
