/**
 * Second round of attacks on the CLI's sandbox (see `sandbox_attack_test.ts`
 * for the first, whose helpers this file repeats in short): every test runs
 * the real `cli.ts` with the `cli` task's permissions, on experiment code
 * (or files that come with it: config.yaml, the project's deno.json, stored
 * runs) that tries to get out.
 *
 * Tests named "HOLE: ..." reproduce holes: they fail until the product is
 * fixed. Each says in its name what it proves.
 *
 * Labs are temp dirs under `.test-tmp`; the CLI runs with a private copy of
 * the library (`CRYSTALLIZE_LIB`) so nothing here can change the checkout.
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { CLI_FLAGS, writeFiles } from "./fixtures/cli/run_cli.ts";
import { tempDir } from "./temp_dir.ts";

const SECRET = "PRIVATE-KEY-CANARY-5d1e";
const LIBRARY_FILES = ["mod.ts", "deno.json", "deno.lock", "src", "schema"];

async function copyTree(from: string, to: string): Promise<void> {
  const info = await Deno.stat(from);
  if (info.isFile) {
    await Deno.copyFile(from, to);
    return;
  }
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    await copyTree(join(from, entry.name), join(to, entry.name));
  }
}

/** A private copy of the library under .test-tmp, removed when the test process ends. */
async function libraryCopy(prefix: string): Promise<string> {
  await Deno.mkdir(".test-tmp", { recursive: true });
  const dir = resolve(await Deno.makeTempDir({ dir: ".test-tmp", prefix }));
  for (const name of LIBRARY_FILES) await copyTree(name, join(dir, name));
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  });
  return dir;
}

const LIB = await libraryCopy("attack2-lib-");
const MOD = `file://${join(LIB, "mod.ts")}`;
const CHANNEL = `file://${join(LIB, "src/execution/worker/parent_channel.ts")}`;

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the CLI as the `cli` task does. With `invokedFrom`, as `deno task cli`
 * started in that folder: `INIT_CWD` names it and the CLI may write only there.
 */
async function crystallize(
  args: readonly string[],
  options: { readonly lib?: string; readonly invokedFrom?: string } = {},
): Promise<CliRun> {
  const flags = options.invokedFrom === undefined
    ? CLI_FLAGS
    : CLI_FLAGS.map((f) =>
      f.startsWith("--allow-write")
        ? `--allow-write=${options.invokedFrom}`
        : f.startsWith("--allow-env")
        ? `${f},INIT_CWD`
        : f
    );
  const out = await new Deno.Command("deno", {
    args: ["run", ...flags, "cli.ts", ...args],
    env: {
      NO_COLOR: "1",
      CRYSTALLIZE_LIB: options.lib ?? LIB,
      ...(options.invokedFrom === undefined ? {} : { INIT_CWD: options.invokedFrom }),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** A module experiment whose top level runs `prelude` (the code under test). */
function moduleSource(prelude: string, mod = MOD): string {
  return `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(mod)};
${prelude}
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const probe = pipelineStep((d: number, ctx) => { ctx.metrics.add("ok", 1); return d; }, { name: "probe" });
export default new Experiment({ name: "attack2", datasource: index(), pipeline: [probe()], replicates: 1 });
`;
}

/**
 * How the CLI died of an exception of its own (a stack trace, "Uncaught"),
 * or did not print one `--json` document: `[]` when it did neither.
 */
function crashOf(run: CliRun, what: string, options: { json?: boolean } = {}): string[] {
  const problems: string[] = [];
  const uncaught = /^error: Uncaught.*$/m.exec(run.stderr);
  if (uncaught !== null || /^\s+at .*\.ts:\d+:\d+/m.test(run.stderr)) {
    problems.push(`${what}: ${uncaught?.[0] ?? "a stack trace"}`);
  }
  if (options.json) {
    try {
      JSON.parse(run.stdout);
    } catch {
      problems.push(`${what}: --json printed no document`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------
// 1. config.yaml chooses an output root, and the CLI grants read and write on it

/**
 * A producer/consumer pair: the consumer reads `producer#readings`, so
 * `run consumer` runs both as a graph, and the producer's config.yaml sets
 * `ArtifactPlugin: { root }`. The producer's steps.ts top-level code tries
 * to read `readPath` and write `writePath`.
 */
function rootPair(
  root: string,
  readPath: string,
  writePath: string,
  mod = MOD,
): Record<string, string> {
  const MOD = mod;
  return {
    "producer/config.yaml": `name: producer
replicates: 1
datasource: { n: index }
steps: [save]
outputs:
  readings:
plugins:
  - ArtifactPlugin: { root: ${JSON.stringify(root)} }
`,
    "producer/datasources.ts": `import { dataSource } from ${JSON.stringify(MOD)};
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
`,
    "producer/outputs.ts": `import { Artifact } from ${JSON.stringify(MOD)};
export const readings = new Artifact<number>("readings.json", { format: "json" });
`,
    "producer/steps.ts": `import { pipelineStep } from ${JSON.stringify(MOD)};
import { readings } from "./outputs.ts";
try { console.error("READ:", Deno.readTextFileSync(${
      JSON.stringify(readPath)
    })); } catch (e) { console.error(String(e)); }
try { Deno.writeTextFileSync(${
      JSON.stringify(writePath)
    }, "// planted by experiment code\\n", { append: true }); } catch (e) { console.error(String(e)); }
export const save = pipelineStep((d: number, ctx) => { readings.write(ctx, d); return d; }, { name: "save" });
`,
    "consumer/config.yaml": `name: consumer
datasource: { readings: "producer#readings" }
steps: [use]
`,
    "consumer/steps.ts": `import { pipelineStep } from ${JSON.stringify(MOD)};
export const use = pipelineStep((d: unknown, ctx) => { ctx.metrics.add("ok", 1); return d; }, { name: "use" });
`,
  };
}

Deno.test("an upstream's config.yaml 'ArtifactPlugin: { root: ../../home/.ssh }' needs confirmation before the CLI grants it: id_rsa stays unread, authorized_keys unwritten", async () => {
  await using dir = await tempDir("attack2-root");
  const lab = resolve(dir.path);
  const ssh = join(lab, "home", ".ssh");
  await writeFiles(lab, { "home/.ssh/id_rsa": `${SECRET}\n` });
  await writeFiles(
    join(lab, "exps"),
    rootPair("../../home/.ssh", join(ssh, "id_rsa"), join(ssh, "authorized_keys")),
  );
  const run = await crystallize(["run", join(lab, "exps", "consumer")]);
  assert.ok(!(run.stdout + run.stderr).includes(SECRET), `id_rsa was read:\n${run.stderr}`);
  assert.equal(await exists(join(ssh, "authorized_keys")), false, "authorized_keys was written");
  assert.notEqual(run.code, 0, "an output root outside the experiments needs the user's consent");
});

Deno.test("an output root inside the library's code ('ArtifactPlugin: { root: <library>/src/cli/runner }') is refused: the library stays unchanged", async () => {
  const lib = await libraryCopy("attack2-lib-victim-");
  await using dir = await tempDir("attack2-libroot");
  const lab = resolve(dir.path);
  const serve = join(lib, "src", "cli", "runner", "serve.ts");
  const before = await Deno.readTextFile(serve);
  await writeFiles(
    join(lab, "exps"),
    rootPair(join(lib, "src", "cli", "runner"), serve, serve, `file://${join(lib, "mod.ts")}`),
  );
  await crystallize(["run", join(lab, "exps", "consumer")], { lib });
  assert.equal(await Deno.readTextFile(serve), before, "experiment code rewrote the library");
});

// ---------------------------------------------------------------------------
// 2. The project's deno.json is passed to the runner (--config)

Deno.test("the project's deno.json import map cannot remap a library module of the runner's static graph (only bare names are passed): ~/.ssh/id_rsa stays unread", async () => {
  await using dir = await tempDir("attack2-importmap");
  const lab = resolve(dir.path);
  const proj = join(lab, "proj");
  const key = join(lab, "home", ".ssh", "id_rsa");
  // A module every child entry imports first: if it moves, this test must move with it.
  const target = join(LIB, "src/execution/worker/parent_channel.ts");
  assert.ok(existsSync(target), `${target} is gone: point the remap at a module the runner loads`);
  const mark = `file://${target}`;
  await writeFiles(lab, {
    "home/.ssh/id_rsa": `${SECRET}\n`,
    // What a hostile pull request adds next to its experiments.
    "proj/deno.json": JSON.stringify({
      imports: { [mark]: "./exp/mark.ts" },
      unstable: ["raw-imports"],
    }),
    // Stands in for the library module, re-exporting the real one (another URL), so the
    // runner links and would run this code if the map were honoured.
    "proj/exp/mark.ts": `import key from ${JSON.stringify(key)} with { type: "text" };
console.error("LEAKED " + key);
export * from ${JSON.stringify(`${mark}?original`)};
`,
    "proj/exp/demo.ts": moduleSource(""),
  });
  const run = await crystallize(["run", "exp/demo.ts", "--json"], { invokedFrom: proj });
  assert.ok(
    !(run.stdout + run.stderr).includes(SECRET),
    `id_rsa was read by the runner without a permission check:\n${run.stderr}`,
  );
});

// ---------------------------------------------------------------------------
// 3. A .git planted in the output root during the run

/** A git config running a command on `git status`; a bare one (no .git) names itself its work tree. */
const FSMONITOR = (marker: string, bare: boolean) =>
  `[core]\n\trepositoryformatversion = 0\n${bare ? "\tbare = false\n\tworktree = .\n" : ""}` +
  `\tfsmonitor = "echo ran > ${marker}; false"\n`;

/** Top-level code making `dir` a git directory whose config runs a command on `git status`. */
function plantGit(dir: string, marker: string): string {
  return `try {
  Deno.mkdirSync(${JSON.stringify(join(dir, "objects"))}, { recursive: true });
  Deno.mkdirSync(${JSON.stringify(join(dir, "refs"))}, { recursive: true });
  Deno.writeTextFileSync(${JSON.stringify(join(dir, "HEAD"))}, "ref: refs/heads/main\\n");
  Deno.writeTextFileSync(${JSON.stringify(join(dir, "config"))}, ${
    JSON.stringify(FSMONITOR(marker, !dir.endsWith(".git")))
  });
} catch (e) { console.error(String(e)); }`;
}

Deno.test("a .git (or a bare repository) planted in the output root during the run is removed after it, with a warning: `git status` there cannot run its core.fsmonitor command", async () => {
  await using dir = await tempDir("attack2-gittrap");
  const lab = resolve(dir.path);
  const planted: string[] = [];
  for (const [module, repo] of [["dotgit", "attack2/.git"], ["bare", "trap"]]) {
    const out = join(lab, `out-${module}`);
    const marker = join(lab, `GIT-RAN-${module}`);
    await writeFiles(lab, {
      [`exp/${module}.ts`]: moduleSource(plantGit(join(out, repo), marker)),
    });
    const run = await crystallize(["run", join(lab, "exp", `${module}.ts`), "--out", out]);
    // What a shell prompt does on `cd` into the folder, or a user looking at the results.
    const where = join(out, repo.replace(/\/\.git$/, ""));
    try {
      await new Deno.Command("git", {
        args: ["status"],
        cwd: where,
        stdout: "null",
        stderr: "null",
      })
        .output();
    } catch {
      // The folder is gone: the CLI removed the planted repository.
    }
    if (await exists(marker)) planted.push(`${module}: ${where} (run exit ${run.code})`);
    assert.match(
      run.stderr,
      /warning: removed .* from the output root: experiment code planted it/,
    );
  }
  assert.deepEqual(planted, [], "git ran the command a run planted in its output root");
});

// ---------------------------------------------------------------------------
// 4. Messages that pass the shape checks but crash the CLI

Deno.test("messages sent with the library's own sendToParent that lack fields the CLI reads (a run-started event without conditions, a result without provenance.hypotheses) stop the run with a protocol error, not a CLI crash", async () => {
  await using dir = await tempDir("attack2-shapes");
  const lab = resolve(dir.path);
  const crashes: string[] = [];
  const result = `{ experiment: "x", metrics: { baseline: { m: [1] }, treatments: {} },
  hypotheses: [], errors: [], artifacts: {},
  provenance: { runId: "r", startedAt: "s", durationMs: 1, replicates: 1, seedDrawn: false,
    executionStrategy: "serial", pipeline: { steps: [] }, cache: { hits: 0, misses: 0 },
    environment: { deno: "d", os: "o", arch: "a" } } }`;
  const messages = {
    "run-started event": `{ type: "events", events: [{ type: "run-started", experiment: "x" }] }`,
    "result without provenance.hypotheses": `{ type: "done", runs: [{ result: ${result} }] }`,
  };
  for (const [i, [what, message]] of Object.entries(messages).entries()) {
    await writeFiles(lab, {
      [`exp/m${i}.ts`]: moduleSource(`import { sendToParent } from ${JSON.stringify(CHANNEL)};
sendToParent(${message});
Deno.exit(0);`),
    });
    const module = join(lab, "exp", `m${i}.ts`);
    const out = join(lab, "out");
    const [json, text] = await Promise.all([
      crystallize(["run", module, "--out", out, "--json"]),
      crystallize(["run", module, "--out", out]),
    ]);
    crashes.push(...crashOf(json, `${what} (--json)`, { json: true }));
    crashes.push(...crashOf(text, `${what} (summary)`));
  }
  assert.deepEqual(crashes, [], "the CLI crashed");
});

Deno.test("a sealed frame whose payload is garbage or nests 200000 deep, in V8's form (made by patching node:v8's Serializer.prototype.releaseBuffer) or in the plain form (by patching Uint8Array.prototype.slice, which the plain encoder ends with), stops the run with a protocol error, not a CLI crash", async () => {
  await using dir = await tempDir("attack2-payload");
  const lab = resolve(dir.path);
  const crashes: string[] = [];
  const payloads = {
    garbage: "[0xff, 0x0f, 0x99, 0x99, 0x99]",
    // ["…[1]…"] 200000 deep: dense arrays ('A', 1 item) around the integer 1.
    deep: `[0xff, 0x0f, ...Array(200000).fill([0x41, 0x01]).flat(), 0x49, 0x02,
      ...Array(200000).fill([0x24, 0x00, 0x01]).flat()]`,
    plainGarbage: "[0x01, 0x6f, 0x01, 0, 0, 0, 0x73, 0xf0, 0xff, 0xff, 0xff, 0x74]",
    // [[…[1]…]] 200000 deep in the plain form: arrays ('a', count 1) around int32 1.
    plainDeep: "[0x01, ...Array(200000).fill([0x61, 1, 0, 0, 0]).flat(), 0x69, 1, 0, 0, 0]",
  };
  for (const [what, bytes] of Object.entries(payloads)) {
    const plain = what.startsWith("plain");
    const patch = plain
      ? `const slice = Uint8Array.prototype.slice;
let once = true;
Uint8Array.prototype.slice = function (...args: [number?, number?]) {
  const real = slice.apply(this, args);
  if (!once || this.length < 1024) return real; // the encoder's buffer, not the HMAC's
  once = false;
  return new Uint8Array(${bytes});
};
sendToParent({ type: "ignored" });`
      : `import v8 from "node:v8";
const release = v8.Serializer.prototype.releaseBuffer;
let once = true;
// deno-lint-ignore no-explicit-any
(v8.Serializer.prototype as any).releaseBuffer = function () {
  const real = release.call(this);
  if (!once) return real;
  once = false;
  return new Uint8Array(${bytes});
};
// A Map is not plain data: the message goes through V8's serializer.
sendToParent({ type: "ignored", map: new Map() });`;
    await writeFiles(lab, {
      [`exp/${what}.ts`]: moduleSource(`import { sendToParent } from ${JSON.stringify(CHANNEL)};
${patch}`),
    });
    const run = await crystallize([
      "run",
      join(lab, "exp", `${what}.ts`),
      "--out",
      join(lab, "out"),
      "--json",
    ]);
    crashes.push(...crashOf(run, what, { json: true }));
    assert.match(
      run.stdout,
      /ProtocolError[\s\S]*could not be decoded/,
      `${what}: a protocol error`,
    );
  }
  assert.deepEqual(crashes, [], "the CLI crashed");
});

// ---------------------------------------------------------------------------
// 5. Hostile stored runs read by `show`

Deno.test("crystallize show on a stored run whose run.json was rewritten by experiment code ({}, null, a hypothesis without metrics) exits 2 naming the file, without a crash", async () => {
  await using dir = await tempDir("attack2-show");
  const lab = resolve(dir.path);
  const crashes: string[] = [];
  const bodies = {
    "{}": "{}",
    null: "null",
    "hypothesis without metrics": JSON.stringify({
      experiment: "x",
      metrics: { baseline: { m: [1] }, treatments: {} },
      hypotheses: [{}],
      errors: [],
      provenance: {},
      artifacts: {},
    }),
  };
  for (const [i, [what, body]] of Object.entries(bodies).entries()) {
    await writeFiles(lab, {
      [`s${i}/v0/run.json`]: body,
      [`s${i}/v0/manifest.json`]: "{}",
    });
    const run = await crystallize(["show", join(lab, `s${i}`, "v0")]);
    crashes.push(...crashOf(run, what));
    if (run.code !== 2) crashes.push(`${what}: exit ${run.code}, not 2 (a broken stored run)`);
  }
  assert.deepEqual(crashes, [], "the CLI crashed");
});
