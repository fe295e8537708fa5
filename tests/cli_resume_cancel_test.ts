/**
 * `crystallize run` end to end: resumed runs show their reused replicates
 * and say they resumed; a resume with nothing to do writes no version;
 * retention is announced; a cancelled replicate is reported as cancelled,
 * at its step.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, CLI_FLAGS, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";

const exists = (path: string) => Deno.stat(path).then(() => true, () => false);

/** A module experiment of `replicates` × 2 conditions; `nap` watches ctx.signal. */
const napModule = `import { dataSource, Experiment, pipelineStep, treatment } from ${
  JSON.stringify(MOD)
};
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const nap = pipelineStep(async (d: number, ctx) => {
  await new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ctx.get("ms", 1) as number);
    ctx.signal.addEventListener("abort", () => { clearTimeout(timer); reject(ctx.signal.reason); });
  });
  ctx.metrics.add("value", d);
  return d;
}, { name: "nap" });
export default new Experiment({
  name: "naps", datasource: index(), pipeline: [nap()], replicates: 4,
  initialContext: { ms: 1 }, treatments: [treatment("other", {})],
});
`;

Deno.test("resume: reused replicates count as done and are announced; nothing to do writes no version; retention is announced", async () => {
  await using dir = await tempDir("cli-resume");
  await writeFiles(dir.path, { "naps.ts": napModule });
  const module = join(dir.path, "naps.ts");
  const out = ["--out", join(dir.path, "out"), "--seed", "1"];
  const store = join(dir.path, "out", "naps");
  assert.equal((await cli(["run", module, ...out])).code, 0);

  const again = await cli(["run", module, "--strategy", "resume", ...out]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Experiment 'naps' v0: .*\nnothing to do: v0 is complete/);
  assert.ok(!(await exists(join(store, "v1"))), "no new version");

  const more = await cli(["run", module, "--strategy", "resume", "--replicates", "6", ...out]);
  assert.equal(more.code, 0, more.stderr);
  assert.match(
    more.stdout,
    /Experiment 'naps' v1: 6 replicates per condition\nresumed from v0: reused 8, ran 4\n/,
  );
  assert.match(more.stderr, /\[naps\] started: .*; resuming v0: 8 of 12 replicates reused/);
  assert.match(
    more.stderr,
    /\[naps\] 80% \(10\/12 replicates\)/,
    "reused replicates count as done",
  );
  const shown = await cli(["show", store]);
  assert.match(shown.stdout, /resumed from v0: reused 8, ran 4/);

  // v0, v1 exist; with the default retention (3), the fourth version removes v0.
  assert.equal((await cli(["run", module, ...out])).code, 0);
  const fourth = await cli(["run", module, ...out]);
  assert.match(
    fourth.stdout,
    /Experiment 'naps' v3: .*\nremoved v0 \(retention keeps the newest 3 versions; set it with ArtifactPlugin: \{ retention: N \}/,
  );
  assert.ok(!(await exists(join(store, "v0"))));
});

Deno.test("Ctrl-C: replicates stopped while running are cancelled (at their step), not failed", async () => {
  await using dir = await tempDir("cli-cancelled");
  await writeFiles(dir.path, {
    "naps.ts": napModule.replace("initialContext: { ms: 1 }", "initialContext: { ms: 30 }"),
  });
  const run = async (json: boolean) => {
    const child = new Deno.Command("deno", {
      args: [
        "run",
        ...CLI_FLAGS,
        "cli.ts",
        "run",
        join(dir.path, "naps.ts"),
        "--replicates",
        "200",
        "--out",
        join(dir.path, "out"),
        ...(json ? ["--json"] : []),
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    while (!/\d+% \(/.test(seen)) seen += (await stderr.read()).value ?? "";
    child.kill("SIGINT");
    const [status, stdout] = await Promise.all([
      child.status,
      new Response(child.stdout).text(),
      (async () => {
        for (let r = await stderr.read(); !r.done; r = await stderr.read()) seen += r.value;
      })(),
    ]);
    return { code: status.code, stdout, stderr: seen };
  };
  const json = await run(true);
  assert.equal(json.code, 130);
  const [result] = JSON.parse(json.stdout).results;
  assert.deepEqual(result.errors, [], "nothing failed");
  assert.ok(result.cancelled.length >= 1, json.stdout);
  assert.ok(result.cancelled.every((c: { step: string }) => c.step === "nap"));

  const text = await run(false);
  assert.equal(text.code, 130);
  assert.match(
    text.stderr,
    /\[naps\] cancelled after [\d.]+s: \d+ replicates finished, 1 stopped while running/,
  );
  assert.doesNotMatch(text.stderr, /failed in/);
  assert.match(
    text.stdout,
    /Cancelled replicates: 1 \(stopped by the cancel, not failures\)\n {2}(baseline|other) #\d+ at nap/,
  );
  assert.doesNotMatch(text.stdout, /Failed replicates/);
});
