import assert from "node:assert/strict";
import {
  dataSource,
  ParameterError,
  Pipeline,
  pipelineStep,
  resourceFactory,
  standaloneContext,
} from "../mod.ts";

const addDelta = pipelineStep(
  (data: number[], _ctx, { delta }) => data.map((x) => x + delta),
  { name: "add_delta", params: { delta: 0 } },
);

Deno.test("pipelineStep: explicit > context > default", () => {
  const plain = standaloneContext();
  const treated = standaloneContext({ delta: 10 });
  assert.deepEqual(addDelta().run([1, 2], plain), [1, 2]);
  assert.deepEqual(addDelta().run([1, 2], treated), [11, 12]);
  assert.deepEqual(addDelta({ delta: 1 }).run([1, 2], treated), [2, 3]);
  assert.deepEqual(addDelta({ delta: 1 }).params, { delta: 1 });
  assert.deepEqual(addDelta().params, {});
});

Deno.test("pipelineStep: unknown parameter names the step and what it declares", () => {
  assert.throws(
    () => addDelta({ detla: 1 } as never),
    (e: Error) =>
      e instanceof ParameterError &&
      /step 'add_delta' has no parameter 'detla'; it declares 'delta'/.test(e.message),
  );
  const bare = pipelineStep((d: number[]) => d, { name: "bare" });
  assert.throws(
    () => bare({ x: 1 } as never),
    /step 'bare' has no parameter 'x'; it declares none/,
  );
});

Deno.test("pipelineStep: a required parameter missing everywhere fails at call time with the fix", () => {
  const scale = pipelineStep(
    (d: number[], _ctx, { factor }: { factor: number }) => d.map((x) => x * factor),
    { name: "scale", params: { factor: undefined as unknown as number } },
  );
  assert.deepEqual(scale().run([1], standaloneContext({ factor: 3 })), [3]);
  assert.deepEqual(scale({ factor: 2 }).run([1], standaloneContext()), [2]);
  assert.throws(
    () => scale().run([1], standaloneContext()),
    (e: Error) =>
      e instanceof ParameterError &&
      /step 'scale' needs parameter 'factor'.*pass it to the factory, set it in a treatment or initialContext/
        .test(
          e.message,
        ),
  );
});

Deno.test("pipelineStep: async steps return promises, sync steps do not", async () => {
  const slow = pipelineStep(async (d: number) => {
    await new Promise((r) => setTimeout(r, 1));
    return d + 1;
  }, { name: "slow" });
  const out = slow().run(1, standaloneContext());
  assert.ok(out instanceof Promise);
  assert.equal(await out, 2);
  assert.ok(!(addDelta().run([1], standaloneContext()) instanceof Promise));
});

Deno.test("pipelineStep: names default to the function name, else a code-derived name", () => {
  function normalize(d: number[]) {
    return d;
  }
  assert.equal(pipelineStep(normalize)().name, "normalize");
  const anon = pipelineStep((d: number[]) => d)();
  assert.match(anon.name, /^step_[0-9a-f]{8}$/);
});

Deno.test("pipelineStep: code hash follows the source, not the identity", () => {
  const a = pipelineStep((d: number) => d + 1, { name: "inc" });
  const b = pipelineStep((d: number) => d + 1, { name: "inc" });
  const c = pipelineStep((d: number) => d + 2, { name: "inc" });
  assert.equal(a().codeHash, b().codeHash);
  assert.notEqual(a().codeHash, c().codeHash);
  assert.match(a().codeHash, /^[0-9a-f]{64}$/);
});

Deno.test("Pipeline: signature changes with params and code, and is stable otherwise", () => {
  const p1 = new Pipeline([addDelta({ delta: 1 })]).signature();
  const p2 = new Pipeline([addDelta({ delta: 1 })]).signature();
  const p3 = new Pipeline([addDelta({ delta: 2 })]).signature();
  assert.equal(p1.hash, p2.hash);
  assert.notEqual(p1.hash, p3.hash);
  assert.deepEqual(p1.steps.map((s) => [s.name, s.params, s.cacheable]), [["add_delta", {
    delta: 1,
  }, false]]);
});

Deno.test("Pipeline: empty or factory-instead-of-step gives an actionable error", () => {
  assert.throws(() => new Pipeline([]), /at least one step/);
  assert.throws(
    () => new Pipeline([addDelta as never]),
    /got a factory.*\.addStep\(myStep\(\)\) not \.addStep\(myStep\)/,
  );
});

Deno.test("pipelineStep: records the module that defined the factory", () => {
  assert.equal(addDelta.moduleUrl, import.meta.url);
  assert.equal(addDelta().factory, addDelta);
});

Deno.test("dataSource: params resolve like step params and fetch gets ctx", async () => {
  const rows = dataSource((ctx, { n }) => Array.from({ length: n }, (_, i) => i + ctx.replicate), {
    name: "rows",
    params: { n: 2 },
  });
  assert.deepEqual(rows().fetch(standaloneContext({}, { replicate: 5 })), [5, 6]);
  assert.deepEqual(rows().fetch(standaloneContext({ n: 3 })), [0, 1, 2]);
  assert.deepEqual(rows({ n: 1 }).fetch(standaloneContext({ n: 3 })), [0]);
  assert.throws(() => rows({ m: 1 } as never), /datasource 'rows' has no parameter 'm'/);
  const later = dataSource(async () => await Promise.resolve("x"), { name: "later" });
  assert.equal(await later().fetch(standaloneContext()), "x");
  assert.equal(rows.moduleUrl, import.meta.url);
});

Deno.test("resourceFactory: built once per isolate and handed to steps already built", () => {
  let builds = 0;
  const client = resourceFactory(() => ({ id: ++builds }));
  const use = pipelineStep((_d: unknown, _ctx, { client }) => client.id, {
    name: "use",
    params: { client },
  });
  const ctx = standaloneContext();
  assert.equal(use().run(null, ctx), 1);
  assert.equal(use().run(null, standaloneContext({}, { replicate: 3 })), 1);
  assert.equal(builds, 1);
  // A factory in the context (e.g. initialContext) is resolved the same way.
  const viaContext = pipelineStep((_d: unknown, _ctx, { db }: { db: { id: number } }) => db.id, {
    name: "via_context",
    params: { db: undefined as unknown as { id: number } },
  });
  assert.equal(viaContext().run(null, standaloneContext({ db: client })), 1);
  assert.equal(builds, 1);
  // Factories sharing a key share one resource.
  const k1 = resourceFactory(() => ({ tag: "first" }), { key: "shared-key-test" });
  const k2 = resourceFactory(() => ({ tag: "second" }), { key: "shared-key-test" });
  assert.equal(k1.get(ctx), k2.get(ctx));
  assert.equal(k2.get(ctx).tag, "first");
});
