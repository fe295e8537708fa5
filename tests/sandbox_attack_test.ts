/**
 * Attacks on the CLI's sandbox, end to end: every test runs the real
 * `cli.ts` (as `deno task cli` does, with the flags of
 * `tests/fixtures/cli/run_cli.ts`) on an experiment that tries to get out,
 * and checks that the CLI refuses it with a message naming the permission
 * (or the link, or the problem) and the fix, and that nothing changed on
 * disk: the folders around the experiment are hashed from outside the
 * sandbox before and after.
 *
 * Layout of each test's lab (a temp dir under `.test-tmp`):
 *   outside/   files the experiment may not read (secret.txt, data.json, evil.ts)
 *   home/      a $HOME-like canary (.ssh/id_rsa)
 *   exp/       the experiment (a folder, or modules)
 *   out/       the output root of module experiments (--out)
 *
 * The CLI runs with a private copy of the library (`CRYSTALLIZE_LIB`, as a
 * compiled binary does) under `.test-tmp/attack-lib-*`: the checkout holds
 * `.test-tmp`, and the sandbox's checks treat the whole library folder as
 * readable, so labs inside the checkout's library would look "inside".
 *
 * Tests named "HOLE: ..." reproduce holes found by this suite: they fail
 * until the product is fixed. Tests named "(pending: ...)" check work the
 * lead is adding (config permission confirmation, runner message validation).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { dirname, join, relative, resolve } from "node:path";
import { CLI_FLAGS, writeFiles } from "./fixtures/cli/run_cli.ts";
import { tempDir } from "./temp_dir.ts";

const SECRET = "TOP-SECRET-CANARY-7f3a";
const HOME_SECRET = "PRIVATE-KEY-CANARY-91c2";
const OUTSIDE_RAN = "OUTSIDE-CODE-RAN";
/** Magic bytes of a frame (src/execution/worker/frames.ts). */
const MAGIC = [0xc7, 0x52, 0x59, 0x53, 0x54, 0x41, 0x4c, 0x5a];
/** Files of the library a runner loads. */
const LIBRARY_FILES = ["mod.ts", "deno.json", "deno.lock", "src", "schema"];

/** A private copy of the library, outside every lab, removed when the test process ends. */
const LIB = await (async () => {
  await Deno.mkdir(".test-tmp", { recursive: true });
  const dir = resolve(await Deno.makeTempDir({ dir: ".test-tmp", prefix: "attack-lib-" }));
  for (const name of LIBRARY_FILES) await copyTree(name, join(dir, name));
  globalThis.addEventListener("unload", () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // already gone
    }
  });
  return dir;
})();

/** The library copy's `mod.ts`, for generated modules. */
const MOD = `file://${join(LIB, "mod.ts")}`;

// ---------------------------------------------------------------------------
// Helpers

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Whether the CLI was killed for running past its deadline. */
  readonly timedOut: boolean;
}

/** Runs `deno run <CLI_FLAGS> cli.ts ...args` (the `cli` task's permissions). */
async function crystallize(
  args: readonly string[],
  options: { readonly env?: Record<string, string>; readonly timeoutMs?: number } = {},
): Promise<CliRun> {
  const child = new Deno.Command("deno", {
    args: ["run", ...CLI_FLAGS, "cli.ts", ...args],
    env: { NO_COLOR: "1", CRYSTALLIZE_LIB: LIB, ...options.env },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }, options.timeoutMs ?? 60_000);
  const out = await child.output();
  clearTimeout(timer);
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr), timedOut };
}

/** Runs tasks with at most `limit` at once (two cores: keep the machine responsive). */
async function parallel<T>(tasks: readonly (() => Promise<T>)[], limit = 3): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await tasks[i]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane));
  return results;
}

/**
 * Every entry below `root` (relative path → content hash, `dir` or the link
 * target), without following links; `{}` when root does not exist.
 */
async function snapshot(
  root: string,
  skip: (rel: string) => boolean = () => false,
): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const rel = relative(root, path);
      if (skip(rel)) continue;
      if (entry.isSymlink) out[rel] = `link:${await Deno.readLink(path)}`;
      else if (entry.isDirectory) {
        out[rel] = "dir";
        await walk(path);
      } else out[rel] = createHash("sha256").update(await Deno.readFile(path)).digest("hex");
    }
  };
  await walk(root);
  return out;
}

/**
 * Makes symbolic links (`[target, path]` pairs). Deno.symlink needs unscoped
 * read and write, which the test task does not have, so a helper `deno`
 * process makes them (paths are all under .test-tmp).
 */
async function symlinks(...pairs: [target: string, path: string][]): Promise<void> {
  const code = "for (let i = 0; i < Deno.args.length; i += 2) " +
    "Deno.symlinkSync(Deno.args[i], Deno.args[i + 1]);";
  const out = await new Deno.Command("deno", {
    args: [
      "run",
      "--no-prompt",
      "--allow-read",
      "--allow-write",
      `data:application/javascript,${encodeURIComponent(code)}`,
      ...pairs.flat(),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

async function exists(path: string): Promise<boolean> {
  return await Deno.lstat(path).then(() => true, () => false);
}

/** A test's lab: canary folders outside the experiment, and their snapshot. */
interface Lab extends AsyncDisposable {
  readonly path: string;
  readonly outside: string;
  readonly home: string;
  readonly exp: string;
  readonly out: string;
  /** Hashes of outside/ and home/ (which nothing may change). */
  canaries(): Promise<Record<string, string>>;
}

async function lab(prefix: string): Promise<Lab> {
  const dir = await tempDir(`attack-${prefix}`);
  const path = resolve(dir.path);
  const outside = join(path, "outside");
  const home = join(path, "home");
  const exp = join(path, "exp");
  const out = join(path, "out");
  await writeFiles(path, {
    "outside/secret.txt": `${SECRET}\n`,
    "outside/data.json": JSON.stringify({ secret: SECRET }),
    // If this module ever ran, it would say so and leave a file in every output root.
    "outside/evil.ts": `console.error(${JSON.stringify(OUTSIDE_RAN)});
for (const root of ${JSON.stringify([out, join(exp, ".crystallize")])}) {
  try { Deno.writeTextFileSync(root + "/OUTSIDE-RAN", "x"); } catch { /* sandboxed */ }
}
export const evil = ${JSON.stringify(SECRET)};
`,
    "home/.ssh/id_rsa": `${HOME_SECRET}\n`,
  });
  await Deno.mkdir(exp, { recursive: true });
  return {
    path,
    outside,
    home,
    exp,
    out,
    canaries: async () => ({
      ...prefixed("outside", await snapshot(outside)),
      ...prefixed("home", await snapshot(home)),
    }),
    [Symbol.asyncDispose]: () => dir[Symbol.asyncDispose](),
  };
}

function prefixed(prefix: string, entries: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).map(([k, v]) => [`${prefix}/${k}`, v]));
}

/** The experiment folder's files, its output root left out. */
function codeSnapshot(folder: string): Promise<Record<string, string>> {
  return snapshot(folder, (rel) => rel === ".crystallize" || rel.startsWith(".crystallize/"));
}

/**
 * A module experiment: `prelude` at the top level, `body` inside its one
 * step (which records metric `ok` = 1 when it gets to the end).
 */
function moduleSource(
  options: { prelude?: string; body?: string; name?: string; replicates?: number } = {},
): string {
  return `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(MOD)};
${options.prelude ?? ""}
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const probe = pipelineStep(async (d: number, ctx) => {
${options.body ?? ""}
  ctx.metrics.add("ok", 1);
  return d;
}, { name: "probe" });
export default new Experiment({
  name: ${JSON.stringify(options.name ?? "attack")},
  datasource: index(),
  pipeline: [probe()],
  replicates: ${options.replicates ?? 1},
});
`;
}

/** The files of a folder experiment whose one step is `probe` (see {@linkcode moduleSource}). */
function folderFiles(
  options: {
    prelude?: string;
    body?: string;
    name?: string;
    config?: string;
    datasource?: string;
  } = {},
): Record<string, string> {
  return {
    "config.yaml": `name: ${options.name ?? "attack"}
replicates: 1
datasource: ${options.datasource ?? "{ n: index }"}
steps: [probe]
${options.config ?? ""}`,
    "datasources.ts": `import { dataSource } from ${JSON.stringify(MOD)};
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
`,
    "steps.ts": `import { pipelineStep } from ${JSON.stringify(MOD)};
${options.prelude ?? ""}
export const probe = pipelineStep(async (d: unknown, ctx) => {
${options.body ?? ""}
  ctx.metrics.add("ok", 1);
  return d;
}, { name: "probe" });
`,
  };
}

/** Top-level code that leaves `MARKER` in `dir` when it runs: proof that experiment code ran. */
function marker(dir: string): string {
  return `try { Deno.mkdirSync(${JSON.stringify(dir)}, { recursive: true }); ` +
    `Deno.writeTextFileSync(${
      JSON.stringify(join(dir, "MARKER"))
    }, "code ran"); } catch { /* sandboxed */ }`;
}

/** Asserts a message names a denied permission (`Requires <kind> access to`) and its flag. */
function assertNamesPermission(text: string, kind: string, target?: string): void {
  assert.match(text, new RegExp(`Requires ${kind} access to`), text);
  if (target !== undefined) assert.ok(text.includes(target), `names ${target}: ${text}`);
  assert.match(text, new RegExp(`--allow-${kind}`), `names the flag --allow-${kind}: ${text}`);
}

/** Asserts nothing outside the sandbox ran or leaked: no canary output, no secret printed. */
function assertNoLeak(run: CliRun): void {
  const all = run.stdout + run.stderr;
  assert.ok(!all.includes(OUTSIDE_RAN), `code outside the folder ran:\n${all}`);
  assert.ok(!all.includes(SECRET), `the outside secret leaked:\n${all}`);
  assert.ok(!all.includes(HOME_SECRET), `the home secret leaked:\n${all}`);
}

/** The first replicate error message of a `--json` run. */
function firstError(run: CliRun): string {
  // Seen once in CI (exit 1, nothing on stdout) and not reproduced: say what the run printed.
  assert.notEqual(run.stdout, "", `no JSON on stdout (exit ${run.code}); stderr:\n${run.stderr}`);
  const doc = JSON.parse(run.stdout);
  const message = doc.results?.[0]?.errors?.[0]?.message ?? doc.error?.message;
  assert.equal(typeof message, "string", run.stdout + run.stderr);
  return message;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const out = await new Deno.Command("git", {
    args: ["-c", "user.name=x", "-c", "user.email=x@y", ...args],
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout).trim();
}

/** A git repository at `dir` with one commit; its origin URL carries a fake token. */
async function gitRepo(dir: string, token: string): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  await git(dir, "init", "-q");
  await git(dir, "config", "remote.origin.url", `https://user:${token}@example.invalid/r.git`);
  await git(dir, "add", "-A");
  await git(dir, "commit", "-q", "--allow-empty", "-m", "init");
  return await git(dir, "rev-parse", "HEAD");
}

// ---------------------------------------------------------------------------
// 1. Module loading outside the sandbox

/** Ways a module pulls in code or data from outside its folder (paths relative to exp/x). */
const IMPORT_VECTORS: Record<string, { prelude: string; helper?: string; denied: string }> = {
  "static import of a .ts outside": {
    prelude: `import { evil } from "../../outside/evil.ts";\nconsole.error(evil);`,
    denied: "outside/evil.ts",
  },
  "JSON import with type json": {
    prelude:
      `import data from "../../outside/data.json" with { type: "json" };\nconsole.error(data.secret);`,
    denied: "outside/data.json",
  },
  "text import with type text": {
    prelude:
      `import text from "../../outside/secret.txt" with { type: "text" };\nconsole.error(text);`,
    denied: "outside/secret.txt",
  },
  "string-literal dynamic import()": {
    prelude: `const m = await import("../../outside/evil.ts");\nconsole.error(m.evil);`,
    denied: "outside/evil.ts",
  },
  "helper module in the folder importing outside statically": {
    prelude: `import { leaked } from "./helper.ts";\nconsole.error(leaked);`,
    helper: `import { evil } from "../../outside/evil.ts";\nexport const leaked = evil;\n`,
    denied: "outside/evil.ts",
  },
};

Deno.test("module target: every way of importing a file outside the module's folder fails the load (exit 2) naming the read permission, and the outside code never runs", async () => {
  await using l = await lab("import-module");
  const before = await l.canaries();
  const names = Object.keys(IMPORT_VECTORS);
  for (const [i, name] of names.entries()) {
    const v = IMPORT_VECTORS[name];
    await writeFiles(join(l.exp, `m${i}`), {
      "x.ts": moduleSource({ prelude: v.prelude }),
      ...(v.helper ? { "helper.ts": v.helper } : {}),
    });
  }
  const runs = await parallel(
    names.map((_, i) => () => crystallize(["run", join(l.exp, `m${i}`, "x.ts"), "--out", l.out])),
  );
  for (const [i, run] of runs.entries()) {
    const v = IMPORT_VECTORS[names[i]];
    assert.equal(run.code, 2, `${names[i]}: ${run.stderr}`);
    assert.match(run.stderr, /could not load the experiment/, names[i]);
    assertNamesPermission(run.stderr, "read", join(l.path, v.denied));
    assertNoLeak(run);
  }
  assert.deepEqual(await l.canaries(), before);
  assert.equal(await exists(join(l.out, "OUTSIDE-RAN")), false);
});

Deno.test("folder target: the same imports in steps.ts fail the load (exit 2) naming the read permission; nothing is written", async () => {
  await using l = await lab("import-folder");
  const before = await l.canaries();
  const names = Object.keys(IMPORT_VECTORS);
  for (const [i, name] of names.entries()) {
    const v = IMPORT_VECTORS[name];
    await writeFiles(join(l.exp, `f${i}`), {
      ...folderFiles({ prelude: v.prelude }),
      ...(v.helper ? { "helper.ts": v.helper } : {}),
    });
  }
  const codeBefore = await codeSnapshot(l.exp);
  const runs = await parallel(
    names.map((_, i) => () => crystallize(["run", join(l.exp, `f${i}`)])),
  );
  for (const [i, run] of runs.entries()) {
    const v = IMPORT_VECTORS[names[i]];
    assert.equal(run.code, 2, `${names[i]}: ${run.stderr}`);
    assertNamesPermission(run.stderr, "read", join(l.path, v.denied));
    assertNoLeak(run);
    assert.equal(await exists(join(l.exp, `f${i}`, ".crystallize", "OUTSIDE-RAN")), false);
  }
  assert.deepEqual(await l.canaries(), before);
  assert.deepEqual(await codeSnapshot(l.exp), codeBefore);
});

Deno.test("--executor process --workers 2: a module importing outside fails in the runner before any worker, and imports from steps (running in worker processes) fail each replicate with the read permission", async () => {
  await using l = await lab("import-workers");
  const before = await l.canaries();
  await writeFiles(l.exp, {
    // Refused at load, in the runner: no worker process is needed to see it.
    "static/x.ts": moduleSource({
      prelude: IMPORT_VECTORS["static import of a .ts outside"].prelude,
    }),
    // These reach outside only inside the step, i.e. in the worker processes.
    "dynamic/x.ts": moduleSource({
      body: `const m = await import("../../outside/evil.ts");\nconsole.error(m.evil);`,
      replicates: 2,
    }),
    "helper/x.ts": moduleSource({
      body: `const m = await import("./helper.ts");\nconsole.error(m.leaked);`,
      replicates: 2,
    }),
    "helper/helper.ts":
      `import { evil } from "../../outside/evil.ts";\nexport const leaked = evil;\n`,
    "json/x.ts": moduleSource({
      body:
        `const m = await import("../../outside/data.json", { with: { type: "json" } });\nconsole.error(m.default.secret);`,
      replicates: 2,
    }),
  });
  const process = ["--executor", "process", "--workers", "2", "--out", l.out];
  const [refused, dynamic, helper, json] = await parallel([
    () => crystallize(["run", join(l.exp, "static/x.ts"), ...process]),
    () => crystallize(["run", join(l.exp, "dynamic/x.ts"), "--json", ...process]),
    () => crystallize(["run", join(l.exp, "helper/x.ts"), "--json", ...process]),
    () => crystallize(["run", join(l.exp, "json/x.ts"), "--json", ...process]),
  ], 2);
  assert.equal(refused.code, 2, refused.stderr);
  assertNamesPermission(refused.stderr, "read", join(l.outside, "evil.ts"));
  assertNoLeak(refused);
  for (
    const [run, target] of [[dynamic, "evil.ts"], [helper, "evil.ts"], [json, "data.json"]] as const
  ) {
    assert.equal(run.code, 1, run.stdout + run.stderr);
    const [result] = JSON.parse(run.stdout).results;
    assert.match(result.provenance.executionStrategy, /^process/);
    assert.equal(result.errors.length, 2, "both replicates fail, in the workers");
    assertNamesPermission(result.errors[0].message, "read", join(l.outside, target));
    assertNoLeak(run);
  }
  assert.deepEqual(await l.canaries(), before);
  assert.equal(await exists(join(l.out, "OUTSIDE-RAN")), false);
});

Deno.test("crystallize list <dir>: a module importing outside is listed under Errors with the read permission (exit 2); the outside code never runs", async () => {
  await using l = await lab("import-list");
  const before = await l.canaries();
  await writeFiles(l.exp, {
    "a.ts": moduleSource({ prelude: IMPORT_VECTORS["static import of a .ts outside"].prelude }),
    "b.ts": moduleSource({ prelude: IMPORT_VECTORS["text import with type text"].prelude }),
    "c.ts": moduleSource({ prelude: IMPORT_VECTORS["string-literal dynamic import()"].prelude }),
    "ok.ts": moduleSource({ name: "fine" }),
  });
  const run = await crystallize(["list", l.exp]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const errors = run.stdout.slice(run.stdout.indexOf("Errors"));
  assert.ok(run.stdout.includes("Errors"), run.stdout);
  for (const file of ["a.ts", "b.ts", "c.ts"]) {
    const line = errors.split("\n").find((l) => l.includes(file));
    assert.ok(line !== undefined, `${file} listed under Errors:\n${run.stdout}`);
    assert.match(line, /Requires read access to/);
    // list never widens its read-only sandbox: it says so instead of naming a flag.
    assert.match(line, /list imports modules read-only/);
  }
  assert.match(run.stdout, /fine/, "the harmless module is still listed");
  assertNoLeak(run);
  assert.deepEqual(await l.canaries(), before);
});

// ---------------------------------------------------------------------------
// 2. Symbolic links

Deno.test("a symlink in the experiment folder to a file or a folder outside is refused (exit 2) before any code runs, naming the link and the --allow-read fix", async () => {
  await using l = await lab("link-out");
  const before = await l.canaries();
  const file = join(l.exp, "file");
  const dir = join(l.exp, "dir");
  const module = join(l.exp, "module");
  await writeFiles(file, folderFiles({ prelude: marker(join(file, ".crystallize")) }));
  await writeFiles(dir, folderFiles({ prelude: marker(join(dir, ".crystallize")) }));
  await writeFiles(module, { "x.ts": moduleSource({ prelude: marker(l.out) }) });
  await symlinks([join(l.outside, "secret.txt"), join(file, "secret.txt")]);
  await Deno.mkdir(join(dir, "nested"));
  await symlinks([l.outside, join(dir, "nested", "data")]);
  await symlinks([l.home, join(module, "home")]);
  const [a, b, c] = await parallel([
    () => crystallize(["run", file]),
    () => crystallize(["run", dir]),
    () => crystallize(["run", join(module, "x.ts"), "--out", l.out]),
  ]);
  for (
    const [run, link, target] of [
      [a, join(file, "secret.txt"), join(l.outside, "secret.txt")],
      [b, join(dir, "nested", "data"), l.outside],
      [c, join(module, "home"), l.home],
    ] as const
  ) {
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /symbolic link/);
    assert.ok(run.stderr.includes(`${link} -> ${target}`), run.stderr);
    assert.ok(run.stderr.includes(`--allow-read=${target}`), run.stderr);
    assertNoLeak(run);
  }
  for (const folder of [file, dir]) {
    assert.equal(await exists(join(folder, ".crystallize", "MARKER")), false, "no code ran");
    assert.equal(await exists(join(folder, ".crystallize", "attack")), false, "no run stored");
  }
  assert.equal(await exists(join(l.out, "MARKER")), false);
  assert.deepEqual(await l.canaries(), before);
});

Deno.test("an output root that is a symlink (.crystallize -> . or -> a folder outside) is refused (exit 2) before any code runs, with the --out fix", async () => {
  await using l = await lab("link-root");
  const self = join(l.exp, "self");
  const away = join(l.exp, "away");
  await writeFiles(self, folderFiles({ prelude: marker(join(self, ".crystallize")) }));
  await writeFiles(away, folderFiles({ prelude: marker(join(away, ".crystallize")) }));
  await symlinks([".", join(self, ".crystallize")]);
  const target = join(l.path, "elsewhere");
  await Deno.mkdir(target);
  await symlinks([target, join(away, ".crystallize")]);
  const before = await l.canaries();
  const code = await codeSnapshot(l.exp);
  const [a, b] = await parallel([
    () => crystallize(["run", self]),
    () => crystallize(["run", away]),
  ]);
  const cases: [CliRun, string][] = [[a, join(self, ".crystallize")], [
    b,
    join(away, ".crystallize"),
  ]];
  for (const [run, link] of cases) {
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /goes through the symbolic link/);
    assert.ok(run.stderr.includes(link), run.stderr);
    assert.match(run.stderr, /--out /);
  }
  assert.deepEqual(await snapshot(target), {}, "nothing written where the link points");
  assert.equal(await exists(join(self, "MARKER")), false);
  assert.deepEqual(await codeSnapshot(l.exp), code);
  assert.deepEqual(await l.canaries(), before);
});

Deno.test("a symlink planted inside an existing .crystallize store (or inside --out) is refused (exit 2) before any code runs", async () => {
  await using l = await lab("link-store");
  const folder = join(l.exp, "f");
  await writeFiles(folder, folderFiles({ prelude: marker(join(folder, ".crystallize")) }));
  await Deno.mkdir(join(folder, ".crystallize", "attack", "v0"), { recursive: true });
  await symlinks([l.home, join(folder, ".crystallize", "attack", "v0", "0")]);
  await writeFiles(l.exp, { "m/x.ts": moduleSource({ prelude: marker(l.out) }) });
  await Deno.mkdir(join(l.out, "cache"), { recursive: true });
  await symlinks([l.outside, join(l.out, "cache", "probe")]);
  const before = await l.canaries();
  const [a, b] = await parallel([
    () => crystallize(["run", folder]),
    () => crystallize(["run", join(l.exp, "m/x.ts"), "--out", l.out]),
  ]);
  for (const run of [a, b]) {
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /symbolic link/);
    assert.match(run.stderr, /remove the links from the output root/);
  }
  assert.ok(a.stderr.includes(join(folder, ".crystallize", "attack", "v0", "0")));
  assert.ok(b.stderr.includes(join(l.out, "cache", "probe")));
  assert.equal(await exists(join(folder, ".crystallize", "MARKER")), false);
  assert.equal(await exists(join(l.out, "MARKER")), false);
  assert.deepEqual(await l.canaries(), before);
});

Deno.test("a symlink that stays inside the experiment folder is fine: the run reads through it (exit 0)", async () => {
  await using l = await lab("link-inside");
  await writeFiles(l.exp, {
    ...folderFiles({
      body:
        `ctx.metrics.add("bytes", Deno.readTextFileSync(new URL("./alias/values.txt", import.meta.url)).length);`,
    }),
    "data/values.txt": "1 2 3",
  });
  await symlinks(["data", join(l.exp, "alias")]);
  const run = await crystallize(["run", l.exp, "--json"]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.deepEqual(JSON.parse(run.stdout).results[0].metrics.baseline.bytes, [5]);
});

// ---------------------------------------------------------------------------
// 3. Forged frames

/** Code building frame-like bytes around a V8-serialised message (sealed with a fake tag or not). */
const FORGER = `import { serialize } from "node:v8";
const MAGIC = new Uint8Array(${JSON.stringify(MAGIC)});
function fake(message: unknown, tagged: boolean, length?: number): Uint8Array {
  const payload = serialize(message);
  const tag = tagged ? 16 : 0;
  const frame = new Uint8Array(12 + tag + payload.length + tag);
  frame.set(MAGIC, 0);
  new DataView(frame.buffer).setUint32(8, length ?? payload.length, true);
  if (tagged) frame.set(crypto.getRandomValues(new Uint8Array(16)), 12);
  frame.set(payload, 12 + tag);
  if (tagged) frame.set(crypto.getRandomValues(new Uint8Array(16)), 12 + tag + payload.length);
  return frame;
}
function forgeAll(where: string): void {
  const failed = { type: "failed", error: { name: "Forged", message: "FORGED-FAILURE-" + where, kind: "usage" } };
  const done = { type: "done", runs: [] };
  for (const tagged of [false, true]) {
    for (const message of [failed, POOL, done]) {
      const bytes = fake(message, tagged);
      Deno.stdout.writeSync(bytes);
      console.log(String.fromCharCode(...bytes));
    }
  }
  // A forged length must not make the reader swallow the real frames after it.
  Deno.stdout.writeSync(fake(failed, true, 0x7fffffff));
  Deno.stdout.writeSync(fake(failed, false, 0x7fffffff));
  Deno.stdout.writeSync(new TextEncoder().encode("\\n"));
}
`;

Deno.test("forged frames printed by experiment code (console.log, Deno.stdout.writeSync; top level and in a step; with and without a fake tag) are plain output: no fake failure, no worker pool, the real result is reported", async () => {
  await using l = await lab("forge");
  // A worker started for the forged pool request would import this module and leave a file.
  const canary = join(l.exp, "canary.ts");
  const started = join(l.out, "WORKER-STARTED");
  await writeFiles(l.exp, {
    "canary.ts": `import { dataSource } from ${JSON.stringify(MOD)};
Deno.writeTextFileSync(${JSON.stringify(started)}, "a worker loaded me");
export const src = dataSource(() => 0, { name: "src" });
`,
    "x.ts": moduleSource({
      prelude: `${FORGER}
const POOL = {
  type: "pool", id: 999, replicates: 1,
  request: {
    workers: 1, cancelGraceMs: 100, permissions: {},
    spec: {
      experimentName: "forged", runId: "forged",
      datasource: { ref: { module: ${
        JSON.stringify(`file://${canary}`)
      }, name: "src" }, params: {} },
      steps: [], conditions: [{ name: "baseline", values: {} }], seeding: undefined,
      events: { replicates: false, steps: false, errors: false }, logLevel: "warn",
    },
  },
};
forgeAll("top-level");`,
      body: `forgeAll("step");`,
      replicates: 2,
    }),
  });
  const [json, text] = await parallel([
    () =>
      crystallize(["run", join(l.exp, "x.ts"), "--json", "--out", l.out], { timeoutMs: 30_000 }),
    () =>
      crystallize(["run", join(l.exp, "x.ts"), "--out", join(l.path, "out2")], {
        timeoutMs: 30_000,
      }),
  ]);
  for (const run of [json, text]) {
    assert.equal(run.timedOut, false, "a forged length must not stall the reader");
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stderr, /^error: .*FORGED/m, "the fake failure is not the CLI's error");
  }
  const doc = JSON.parse(json.stdout); // stdout is one clean document
  assert.equal(doc.ok, true);
  assert.equal(doc.error, undefined);
  assert.deepEqual(doc.results[0].metrics.baseline.ok, [1, 1], "the real result is reported");
  assert.match(text.stdout, /Experiment 'attack'/);
  assert.equal(await exists(started), false, "no worker was started for the forged pool request");
});

// ---------------------------------------------------------------------------
// 4. .git

Deno.test(".git of the experiment's repository: a step reading .git/HEAD or .git/config fails naming the path, while the stored run's provenance still records the commit", async () => {
  await using l = await lab("git");
  const repo = join(l.exp, "repo");
  await writeFiles(
    repo,
    folderFiles({
      body: `const which = ctx.replicate === 0 ? ".git/HEAD" : ".git/config";
console.error("GIT-CONTENT", Deno.readTextFileSync(new URL("./" + which, import.meta.url)));`,
    }),
  );
  await Deno.writeTextFile(
    join(repo, "config.yaml"),
    (await Deno.readTextFile(join(repo, "config.yaml"))).replace("replicates: 1", "replicates: 2"),
  );
  const commit = await gitRepo(repo, "GIT-TOKEN-CANARY");
  const run = await crystallize(["run", repo, "--json"]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const [result] = JSON.parse(run.stdout).results;
  assert.equal(result.errors.length, 2);
  assert.match(result.errors[0].message, /NotCapable|Requires read access/);
  assertNamesPermission(result.errors[0].message, "read", join(repo, ".git", "HEAD"));
  assertNamesPermission(result.errors[1].message, "read", join(repo, ".git", "config"));
  assert.ok(!(run.stdout + run.stderr).includes("GIT-TOKEN-CANARY"));
  assert.doesNotMatch(run.stderr, /GIT-CONTENT/);
  assert.equal(result.provenance.git.commit, commit, "provenance comes from the CLI");
  const store = join(repo, ".crystallize", "attack");
  const versions = [...Deno.readDirSync(store)].map((e) => e.name).filter((n) => /^v\d+$/.test(n));
  assert.equal(versions.length, 1);
  const stored = JSON.parse(await Deno.readTextFile(join(store, versions[0], "run.json")));
  assert.equal(stored.provenance.git.commit, commit, "run.json records the commit");
});

// ---------------------------------------------------------------------------
// 5. config.yaml permissions (pending: lead's work (a))

const ASKING: Record<string, { config: string; kinds: string[] }> = {
  run: { config: `permissions: { run: ["bash"] }`, kinds: ["run"] },
  env: { config: `permissions: { env: true }`, kinds: ["env"] },
  write: { config: `permissions: { write: ["/tmp/x"] }`, kinds: ["write"] },
  read: { config: `permissions: { read: ["../outside"] }`, kinds: ["read"] },
  "run+env": { config: `permissions: { run: ["bash"], env: ["HOME"] }`, kinds: ["run", "env"] },
};

/** Asserts the refusal of a config asking for `kinds` (and only them) beyond the default sandbox. */
function assertAsksFor(run: CliRun, kinds: readonly string[]): void {
  assert.equal(run.code, 2, run.stdout + run.stderr);
  const line = run.stderr.split("\n").find((l) => /asks for/.test(l));
  assert.ok(line !== undefined, `an "asks for" message:\n${run.stderr}`);
  assert.match(line, /--allow-config-permissions/);
  for (const kind of kinds) assert.match(line, new RegExp(`\\b${kind}\\b`), line);
  // Kinds it did not ask for are not listed (read/write/net may appear in an explanation).
  for (const kind of ["run", "env", "ffi", "sys"].filter((k) => !kinds.includes(k))) {
    assert.doesNotMatch(line, new RegExp(`\\b${kind}\\b`), line);
  }
}

Deno.test("(pending: config permissions (a)) config.yaml granting itself run, env, write or read outside is refused (exit 2): 'asks for' the kinds and names --allow-config-permissions; no code runs", async () => {
  await using l = await lab("config-ask");
  const before = await l.canaries();
  for (const [name, { config }] of Object.entries(ASKING)) {
    const folder = join(l.exp, name);
    await writeFiles(
      folder,
      folderFiles({ config, prelude: marker(join(folder, ".crystallize")) }),
    );
  }
  const code = await codeSnapshot(l.exp);
  const names = Object.keys(ASKING);
  const runs = await parallel(names.map((name) => () => crystallize(["run", join(l.exp, name)])));
  for (const [i, run] of runs.entries()) {
    assertAsksFor(run, ASKING[names[i]].kinds);
    const root = join(l.exp, names[i], ".crystallize");
    assert.equal(await exists(join(root, "MARKER")), false, `${names[i]}: code ran`);
    assert.equal(await exists(join(root, "attack")), false, `${names[i]}: a run was stored`);
  }
  assert.deepEqual(await codeSnapshot(l.exp), code);
  assert.deepEqual(await l.canaries(), before);
});

Deno.test("(pending: config permissions (a)) with --allow-config-permissions the config's run, env, write and read grants apply", async () => {
  await using l = await lab("config-grant");
  const written = join(l.path, "granted-write", "w.txt");
  await writeFiles(l.exp, {
    ...prefixedFiles(
      "run",
      folderFiles({
        config: `permissions: { run: ["bash"] }`,
        body:
          `const out = new Deno.Command("bash", { args: ["-c", "printf granted"] }).outputSync();\nctx.metrics.add("n", out.stdout.length);`,
      }),
    ),
    ...prefixedFiles(
      "env",
      folderFiles({
        config: `permissions: { env: true }`,
        body: `ctx.metrics.add("n", Deno.env.toObject() ? 1 : 0);`,
      }),
    ),
    ...prefixedFiles(
      "write",
      folderFiles({
        config: `permissions: { write: [${JSON.stringify(dirname(written))}] }`,
        body: `Deno.mkdirSync(${JSON.stringify(dirname(written))}, { recursive: true });
Deno.writeTextFileSync(${JSON.stringify(written)}, "granted");\nctx.metrics.add("n", 1);`,
      }),
    ),
    ...prefixedFiles(
      "read",
      folderFiles({
        config: `permissions: { read: ["../../outside"] }`,
        body:
          `ctx.metrics.add("n", Deno.readTextFileSync(new URL("../../outside/secret.txt", import.meta.url)).length);`,
      }),
    ),
  });
  const names = ["run", "env", "write", "read"];
  const runs = await parallel(
    names.map((name) => () =>
      crystallize(["run", join(l.exp, name), "--allow-config-permissions", "--json"])
    ),
  );
  const expected = { run: 7, env: 1, write: 1, read: SECRET.length + 1 };
  for (const [i, run] of runs.entries()) {
    assert.equal(run.code, 0, `${names[i]}: ${run.stdout}${run.stderr}`);
    assert.deepEqual(
      JSON.parse(run.stdout).results[0].metrics.baseline.n,
      [expected[names[i] as keyof typeof expected]],
    );
  }
  assert.equal(await Deno.readTextFile(written), "granted");
});

function prefixedFiles(prefix: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [`${prefix}/${k}`, v]));
}

Deno.test("config.yaml permissions that need no confirmation: net to a listed host and read inside the folder run at once (exit 0)", async () => {
  await using l = await lab("config-free");
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  const served = (async () => {
    for await (const conn of listener) {
      await conn.write(new TextEncoder().encode("hello"));
      conn.close();
    }
  })().catch(() => {});
  await writeFiles(l.exp, {
    ...prefixedFiles(
      "net",
      folderFiles({
        config: `permissions: { net: ["127.0.0.1:${port}"] }`,
        body: `const conn = await Deno.connect({ hostname: "127.0.0.1", port: ${port} });
const buf = new Uint8Array(16);
ctx.metrics.add("n", (await conn.read(buf)) ?? 0);
conn.close();`,
      }),
    ),
    ...prefixedFiles(
      "read",
      folderFiles({
        config: `permissions: { read: ["./data"] }`,
        body:
          `ctx.metrics.add("n", Deno.readTextFileSync(new URL("./data/x.txt", import.meta.url)).length);`,
      }),
    ),
    "read/data/x.txt": "abc",
  });
  const [net, read] = await parallel([
    () => crystallize(["run", join(l.exp, "net"), "--json"]),
    () => crystallize(["run", join(l.exp, "read"), "--json"]),
  ]);
  assert.equal(net.code, 0, net.stdout + net.stderr);
  assert.deepEqual(JSON.parse(net.stdout).results[0].metrics.baseline.n, [5]);
  assert.equal(read.code, 0, read.stdout + read.stderr);
  assert.deepEqual(JSON.parse(read.stdout).results[0].metrics.baseline.n, [3]);
  listener.close();
  await served;
});

Deno.test("config.yaml read grant of './link' whose link leads outside needs confirmation like any read outside (judged by real path)", async () => {
  await using l = await lab("config-link");
  await writeFiles(
    l.exp,
    folderFiles({
      config: `permissions: { read: ["./link"] }`,
      body: `console.error(Deno.readTextFileSync(new URL("./link/.ssh/id_rsa", import.meta.url)));`,
    }),
  );
  await symlinks([l.home, join(l.exp, "link")]);
  const before = await l.canaries();
  const run = await crystallize(["run", l.exp]);
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /asks for|symbolic link/);
  assertNoLeak(run);
  assert.deepEqual(await l.canaries(), before);
});

Deno.test("config.yaml net: ['0.0.0.0/0'] (an address range, every IPv4 host) needs confirmation like net: true", async () => {
  await using l = await lab("config-cidr");
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  let connections = 0;
  const served = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })().catch(() => {});
  await writeFiles(
    l.exp,
    folderFiles({
      config: `permissions: { net: ["0.0.0.0/0"] }`,
      body: `(await Deno.connect({ hostname: "127.0.0.1", port: ${port} })).close();`,
    }),
  );
  const run = await crystallize(["run", l.exp]);
  listener.close();
  await served;
  assertAsksFor(run, ["net"]);
  assert.equal(connections, 0, "the sandbox reached a local service");
});

Deno.test("a config.yaml reference to another experiment ('ghost#x') does not make the parent folder readable: ../home/.ssh/id_rsa stays unread", async () => {
  await using l = await lab("refs-parent");
  // The experiment sits next to the user's home-like folder: exp/ and home/ share the parent.
  await writeFiles(
    l.exp,
    folderFiles({
      datasource: `{ n: index, x: "ghost#thing" }`,
      prelude: `try {
  console.error("READ", Deno.readTextFileSync(new URL("../home/.ssh/id_rsa", import.meta.url)));
} catch (e) { console.error("DENIED", String(e)); }`,
    }),
  );
  const before = await l.canaries();
  const run = await crystallize(["run", l.exp]);
  const out = await crystallize(["run", l.exp, "--out", join(l.path, "out2")]);
  for (const r of [run, out]) {
    assert.notEqual(r.code, 0);
    assertNoLeak(r);
  }
  assert.deepEqual(await l.canaries(), before);
});

// ---------------------------------------------------------------------------
// 6. Names that become paths

Deno.test("names as paths: a cacheable step named '../../…/x', an artifact named '../x' and a treatment named '../x' write nothing outside the store", async () => {
  await using l = await lab("names");
  const escape = "../".repeat(24) + join(l.path, "escaped-step").slice(1);
  await writeFiles(l.exp, {
    "step.ts": `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(MOD)};
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const sneaky = pipelineStep((d: number, ctx) => { ctx.metrics.add("v", d); return d; },
  { name: ${JSON.stringify(escape)}, cacheable: true });
export default new Experiment({ name: "names", datasource: index(), pipeline: [sneaky()], replicates: 2 });
`,
    "artifact.ts": moduleSource({
      body: `ctx.artifacts.add("../escaped-artifact", "x");
ctx.artifacts.add(${
        JSON.stringify("../".repeat(24) + join(l.path, "escaped-artifact").slice(1))
      }, "x");`,
    }),
    "artifact_decl.ts": moduleSource({
      prelude: `import { Artifact } from ${JSON.stringify(MOD)};
export const bad = new Artifact("../escaped-artifact", { format: "text" });`,
    }),
    "treatment.ts": `import { dataSource, Experiment, pipelineStep, treatment } from ${
      JSON.stringify(MOD)
    };
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const nop = pipelineStep((d: number) => d, { name: "nop" });
export default new Experiment({ name: "t", datasource: index(), pipeline: [nop()],
  treatments: [treatment("../escaped-treatment", { x: 1 })] });
`,
    "folder/config.yaml": `name: folder
datasource: { n: index }
steps: [probe]
treatments: { "../escaped-treatment": { x: 1 } }
outputs: { a: { file_name: "../escaped-artifact", format: text } }
`,
    "folder/datasources.ts": folderFiles()["datasources.ts"],
    "folder/steps.ts": folderFiles()["steps.ts"],
  });
  const [step, artifact, declared, treatment, folder] = await parallel([
    () => crystallize(["run", join(l.exp, "step.ts"), "--json", "--out", l.out]),
    () => crystallize(["run", join(l.exp, "artifact.ts"), "--json", "--out", l.out]),
    () => crystallize(["run", join(l.exp, "artifact_decl.ts"), "--out", l.out]),
    () => crystallize(["run", join(l.exp, "treatment.ts"), "--out", l.out]),
    () => crystallize(["run", join(l.exp, "folder")]),
  ]);
  // The step name is percent-encoded into one folder of the cache.
  assert.equal(step.code, 0, step.stdout + step.stderr);
  const cache = [...Deno.readDirSync(join(l.out, "cache"))].map((e) => e.name);
  assert.equal(cache.length, 1);
  assert.match(cache[0], /%2F/, "the step's folder is its percent-encoded name");
  // Artifact names with a path are refused where they are given.
  assert.equal(artifact.code, 1, artifact.stdout + artifact.stderr);
  assert.match(firstError(artifact), /PathNameError|not a valid|file name|\//);
  for (const run of [declared, treatment, folder]) {
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, /\.\.\/escaped-(artifact|treatment)/, run.stderr);
  }
  for (const name of ["escaped-step", "escaped-artifact", "escaped-treatment"]) {
    assert.equal(await exists(join(l.path, name)), false, name);
    assert.equal(await exists(join(l.exp, name)), false, name);
  }
  // Nothing new next to the lab's folders (the cache folder above holds the encoded name).
  const top = [...Deno.readDirSync(l.path)].map((e) => e.name).sort();
  assert.deepEqual(top, ["exp", "home", "out", "outside"]);
});

// ---------------------------------------------------------------------------
// Already blocked: each refusal names the permission and the --allow-* fix

Deno.test("already blocked: env, fetch, WebSocket, node:net, Deno.Command, node:child_process, Deno.dlopen, /proc/self/environ and a remote import each fail with the permission and its --allow flag, without side effects", async () => {
  await using l = await lab("blocked");
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  let connections = 0;
  const served = (async () => {
    for await (const conn of listener) {
      connections++;
      conn.close();
    }
  })().catch(() => {});
  const canary = join(l.path, "spawned");
  const probes: Record<
    string,
    { body: string; kind: string; target: string; flags?: string[] }
  > = {
    env: { body: `Deno.env.get("HOME");`, kind: "env", target: "HOME" },
    fetch: {
      body: `await fetch("http://127.0.0.1:${port}/");`,
      kind: "net",
      target: `127.0.0.1:${port}`,
    },
    websocket: {
      body: `await new Promise((resolve, reject) => {
  try {
    const ws = new WebSocket("ws://127.0.0.1:${port}/");
    ws.onopen = resolve;
    ws.onerror = (e) => reject((e as ErrorEvent).error ?? new Error((e as ErrorEvent).message));
  } catch (e) { reject(e); }
});`,
      kind: "net",
      target: `127.0.0.1:${port}`,
    },
    "node:net": {
      body: `const net = await import("node:net");
await new Promise((resolve, reject) => {
  try {
    const s = net.connect(${port}, "127.0.0.1", resolve);
    s.on("error", reject);
  } catch (e) { reject(e); }
});`,
      kind: "net",
      target: `127.0.0.1:${port}`,
    },
    command: {
      body: `new Deno.Command("touch", { args: [${JSON.stringify(canary)}] }).outputSync();`,
      kind: "run",
      target: "touch",
    },
    child_process: {
      body: `const cp = await import("node:child_process");
await new Promise((resolve, reject) => {
  const child = cp.spawn("touch", [${JSON.stringify(canary)}], { env: {} });
  child.on("error", reject);
  child.on("exit", resolve);
});`,
      kind: "run",
      target: "touch",
      // Deno's node:child_process reads NODE_V8_COVERAGE first, so without this grant the
      // refusal names env (see the report); with it, the run permission is what stops it.
      flags: ["--allow-env=NODE_V8_COVERAGE"],
    },
    ffi: { body: `Deno.dlopen("libc.so.6", {});`, kind: "ffi", target: "libc.so.6" },
    environ: {
      body: `console.error(Deno.readTextFileSync("/proc/self/environ"));`,
      kind: "read",
      target: "/proc/self/environ",
    },
  };
  const names = Object.keys(probes);
  for (const name of names) {
    await writeFiles(l.exp, {
      [`${name.replace(":", "_")}.ts`]: moduleSource({ body: probes[name].body }),
    });
  }
  await writeFiles(l.exp, {
    "remote.ts": moduleSource({ body: `await import("https://example.invalid/x.ts");` }),
  });
  const runs = await parallel([
    ...names.map((name) => () =>
      crystallize([
        "run",
        join(l.exp, `${name.replace(":", "_")}.ts`),
        "--json",
        "--out",
        l.out,
        ...(probes[name].flags ?? []),
      ])
    ),
    () => crystallize(["run", join(l.exp, "remote.ts"), "--json", "--out", l.out]),
  ]);
  for (const [i, name] of names.entries()) {
    const run = runs[i];
    assert.equal(run.code, 1, `${name}: ${run.stdout}${run.stderr}`);
    const message = firstError(run);
    assertNamesPermission(message, probes[name].kind, probes[name].target);
    assertNoLeak(run);
  }
  const remote = runs[names.length];
  assert.equal(remote.code, 1, remote.stdout + remote.stderr);
  const message = firstError(remote);
  // Sandboxed runs download nothing (--no-remote): refused before any request, with the fix.
  assert.match(message, /remote specifier was requested/i, message);
  assert.match(message, /example\.invalid/);
  assert.match(message, /remote imports are refused; vendor the module/);
  listener.close();
  await served;
  assert.equal(connections, 0, "nothing reached the listener");
  assert.equal(await exists(canary), false, "no process ran");
});

// ---------------------------------------------------------------------------
// Holes found beyond the list (fail until fixed)

Deno.test("a symlink named .git inside the output root is refused (exit 2) before code can write through it", async () => {
  await using l = await lab("git-link-store");
  const victim = join(l.path, "victim");
  await Deno.mkdir(victim);
  await writeFiles(
    l.exp,
    folderFiles({
      body:
        `Deno.writeTextFileSync(new URL("./.crystallize/.git/pwned.txt", import.meta.url), "escaped");`,
    }),
  );
  await Deno.mkdir(join(l.exp, ".crystallize"));
  await symlinks([victim, join(l.exp, ".crystallize", ".git")]);
  const run = await crystallize(["run", l.exp]);
  assert.deepEqual(await snapshot(victim), {}, "written outside through .crystallize/.git");
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /\.git is a git repository.s \.git, inside an output root/);
});

Deno.test("a .git folder inside an output root is refused (exit 2), so nothing is written through links in it", async () => {
  await using l = await lab("git-dir-store");
  const victim = join(l.path, "victim");
  await Deno.mkdir(victim);
  await writeFiles(l.exp, {
    ...folderFiles({}),
    "m.ts": moduleSource({
      body: `Deno.writeTextFileSync(${
        JSON.stringify(join(l.out, ".git", "hooks", "pwned.txt"))
      }, "escaped");`,
    }),
  });
  await Deno.mkdir(join(l.out, ".git"), { recursive: true });
  await symlinks([victim, join(l.out, ".git", "hooks")]);
  const run = await crystallize(["run", join(l.exp, "m.ts"), "--out", l.out]);
  assert.deepEqual(await snapshot(victim), {}, "written outside through <out>/.git/hooks");
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stderr, /\.git is a git repository.s \.git, inside an output root/);
});

Deno.test("an output root that is or contains a git directory (--out <repo>/.git, --out <repo>) is refused: no git hook can be planted", async () => {
  await using l = await lab("git-hooks");
  const repos = [join(l.path, "repo-a"), join(l.path, "repo-b")];
  for (const repo of repos) await gitRepo(repo, "unused");
  const hook = (repo: string) => join(repo, ".git", "hooks", "post-checkout");
  await writeFiles(l.exp, {
    "x.ts": moduleSource({
      body: `for (const path of ${JSON.stringify(repos.map(hook))}) {
  try {
    Deno.writeTextFileSync(path, "#!/bin/sh\\necho pwned\\n");
    Deno.chmodSync(path, 0o755);
  } catch { /* sandboxed */ }
}`,
    }),
  });
  const [a, b] = await parallel([
    () => crystallize(["run", join(l.exp, "x.ts"), "--out", join(repos[0], ".git")]),
    () => crystallize(["run", join(l.exp, "x.ts"), "--out", repos[1]]),
  ]);
  for (const [i, repo] of repos.entries()) {
    assert.equal(await exists(hook(repo)), false, `a git hook was planted in ${repo}`);
    assert.equal([a, b][i].code, 2, [a, b][i].stdout + [a, b][i].stderr);
  }
});

Deno.test("a symlink to a file under the library's root but outside its mod.ts and src/ is refused", async () => {
  await using l = await lab("link-library");
  // With the checkout's own library (no CRYSTALLIZE_LIB): its root holds README.md, deno.json,
  // tests/, node_modules/ and .test-tmp/, none of which the sandbox grants.
  const realMod = new URL("../mod.ts", import.meta.url).href;
  const target = resolve("README.md");
  await writeFiles(
    l.exp,
    Object.fromEntries(
      Object.entries(folderFiles({
        body:
          `ctx.metrics.add("n", Deno.readTextFileSync(new URL("./readme", import.meta.url)).length);`,
      })).map(([k, v]) => [k, v.replaceAll(JSON.stringify(MOD), JSON.stringify(realMod))]),
    ),
  );
  await symlinks([target, join(l.exp, "readme")]);
  const run = await crystallize(["run", l.exp, "--json"], { env: { CRYSTALLIZE_LIB: "" } });
  assert.equal(run.code, 2, `read ${target} through the link: ${run.stdout}${run.stderr}`);
  assert.match(run.stdout + run.stderr, /symbolic link/);
});

Deno.test("a symlink to .git inside the folder (peek -> .git) is refused: .git/config and its credentials stay unread", async () => {
  await using l = await lab("git-alias");
  const repo = join(l.exp, "repo");
  await writeFiles(
    repo,
    folderFiles({
      body:
        `console.error("CONFIG", Deno.readTextFileSync(new URL("./peek/config", import.meta.url)));`,
    }),
  );
  await symlinks([".git", join(repo, "peek")]);
  await gitRepo(repo, "GIT-TOKEN-CANARY");
  const run = await crystallize(["run", repo]);
  assert.ok(!(run.stdout + run.stderr).includes("GIT-TOKEN-CANARY"), "the token leaked");
  assert.notEqual(run.code, 0);
});

Deno.test("a .git inside a subfolder whose name has a comma is refused (--deny-read cannot name it), never left readable", async () => {
  await using l = await lab("git-comma");
  await writeFiles(
    l.exp,
    folderFiles({
      body:
        `console.error("CONFIG", Deno.readTextFileSync(new URL("./sub,dir/.git/config", import.meta.url)));`,
    }),
  );
  await gitRepo(join(l.exp, "sub,dir"), "COMMA-TOKEN-CANARY");
  const run = await crystallize(["run", l.exp]);
  assert.ok(!(run.stdout + run.stderr).includes("COMMA-TOKEN-CANARY"), "the token leaked");
  assert.notEqual(run.code, 0);
});

Deno.test("remote imports, also from Deno's default --allow-import hosts (jsr.io, esm.sh, deno.land, cdn.jsdelivr.net, raw.githubusercontent.com), are refused before any request (--no-remote)", async () => {
  await using l = await lab("remote-default");
  const urls = [
    "https://jsr.io/@std/path/1.0.8/mod.ts",
    "https://esm.sh/crystallize-leak-canary",
    "https://deno.land/x/crystallize_leak_canary/mod.ts",
    "https://cdn.jsdelivr.net/npm/crystallize-leak-canary/index.js",
    "https://raw.githubusercontent.com/x/crystallize-leak-canary/main/mod.ts",
    "jsr:@std/path@1.0.8",
  ];
  await writeFiles(l.exp, {
    "x.ts": moduleSource({
      body: `const messages: Record<string, string> = {};
for (const url of ${JSON.stringify(urls)}) {
  try { await import(url); messages[url] = "IMPORTED"; } catch (e) { messages[url] = String(e); }
}
console.error("PROBE-RESULT " + JSON.stringify(messages));`,
    }),
  });
  const run = await crystallize(["run", join(l.exp, "x.ts"), "--out", l.out], {
    timeoutMs: 30_000,
  });
  const line = run.stderr.split("\n").find((s) => s.startsWith("PROBE-RESULT "));
  assert.ok(line !== undefined, run.stderr);
  const messages: Record<string, string> = JSON.parse(line.slice("PROBE-RESULT ".length));
  for (const url of urls) {
    // --no-remote: refused before any request is made.
    assert.match(messages[url], /--no-remote is specified/, `${url}: ${messages[url]}`);
  }
});

Deno.test("npm: and jsr: imports from experiment code leave the library's deno.lock and node_modules unchanged (nothing is downloaded or installed)", async () => {
  await using l = await lab("lockfile");
  // A private copy of the library, so the checkout's own lock file is never touched.
  const lib = join(l.path, "lib");
  await Deno.mkdir(lib);
  for (const name of LIBRARY_FILES) await copyTree(name, join(lib, name));
  const mod = new URL(`file://${join(lib, "mod.ts")}`).href;
  const source = (body: string) =>
    moduleSource({ body }).replace(JSON.stringify(MOD), JSON.stringify(mod));
  await writeFiles(l.exp, {
    "benign.ts": source(""),
    // fast-uri is in the npm cache (a dependency of ajv) but not a specifier of the lock;
    // the jsr.io URL is recorded as a redirect without any network.
    "attack.ts": source(
      `for (const url of ["npm:fast-uri@3.1.9", "https://jsr.io/@std/path/1.0.8/mod.ts"]) {
  try { await import(url); } catch { /* refused or offline */ }
}`,
    ),
  });
  const env = { CRYSTALLIZE_LIB: lib };
  // The first run sets up the copy's node_modules from the cache (as any first run does).
  const warm = await crystallize(["run", join(l.exp, "benign.ts"), "--quiet", "--out", l.out], {
    env,
  });
  assert.equal(warm.code, 0, warm.stderr);
  const skip = (rel: string) => /^(src|schema)\b|\.setup-cache\.bin$/.test(rel);
  const before = await snapshot(lib, skip);
  await crystallize(["run", join(l.exp, "attack.ts"), "--quiet", "--out", l.out], { env });
  const after = await snapshot(lib, skip);
  assert.deepEqual(after, before, "the library's deno.lock / node_modules changed");
});

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

// Experiments that share an output root (module experiments run from one working directory use its
// .crystallize; $CRYSTALLIZE_HOME) can read and rewrite each other's stored runs and step caches: the
// README says so and says to give untrusted code its own --out. This checks that its own --out
// really keeps it away from the victim's store.
Deno.test("an untrusted module run with its own --out cannot rewrite another experiment's step cache", async () => {
  await using l = await lab("cache-poison");
  const shared = join(l.path, "shared"); // stands for <cwd>/.crystallize
  await writeFiles(l.exp, {
    "victim/victim.ts": `import { dataSource, Experiment, pipelineStep } from ${
      JSON.stringify(MOD)
    };
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
export const double = pipelineStep((d: number, ctx) => { ctx.metrics.add("v", d * 2); return d * 2; },
  { name: "double", cacheable: true });
export default new Experiment({ name: "victim", datasource: index(), pipeline: [double()], replicates: 2 });
`,
    // Untrusted, in another folder: it may write its output root, which is the shared one.
    "attacker/attacker.ts": moduleSource({
      prelude: `import { deserialize, serialize } from "node:v8";`,
      body: `const cache = ${JSON.stringify(join(shared, "cache"))};
for (const step of Deno.readDirSync(cache)) {
  for (const file of Deno.readDirSync(cache + "/" + step.name)) {
    const path = cache + "/" + step.name + "/" + file.name;
    const bytes = Deno.readFileSync(path);
    const entry = deserialize(bytes.subarray(40));
    if (typeof entry !== "object") continue;
    entry.output = 666;
    entry.metrics = entry.metrics.map(([n, v, t]: [string, number[], unknown[]]) => [n, v.map(() => 666), t]);
    const payload = serialize(entry);
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", payload));
    const out = new Uint8Array(40 + payload.length);
    out.set(bytes.subarray(0, 8));
    out.set(digest, 8);
    out.set(payload, 40);
    Deno.writeFileSync(path, out);
  }
}`,
    }),
  });
  const victim = () =>
    crystallize(["run", join(l.exp, "victim/victim.ts"), "--json", "--out", shared]);
  const first = await victim();
  assert.equal(first.code, 0, first.stderr);
  const own = join(l.path, "attacker-runs");
  const attack = await crystallize(["run", join(l.exp, "attacker/attacker.ts"), "--out", own]);
  // Its step fails: the victim's cache is outside what it may write (or even read).
  assert.equal(attack.code, 1, attack.stderr);
  assert.match(attack.stdout + attack.stderr, /Requires (read|write) access to/);
  const second = await victim();
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(
    JSON.parse(second.stdout).results[0].metrics.baseline.v,
    JSON.parse(first.stdout).results[0].metrics.baseline.v,
    "the victim's second run replays what the attacker wrote into its cache",
  );
});

Deno.test("crystallize list gives up on a module that never finishes loading (5 s) and still lists the others", async () => {
  await using l = await lab("list-hang");
  await writeFiles(l.exp, {
    // Keeps loading for 20 s (then gives up by itself, so no runner outlives the test for long).
    "slow.ts": moduleSource({ prelude: `await new Promise((r) => setTimeout(r, 20_000));` }),
    "fine.ts": moduleSource({ name: "fine" }),
  });
  const run = await crystallize(["list", l.exp], { timeoutMs: 10_000 });
  assert.equal(run.timedOut, false, "list hung on a module that never finishes loading");
  assert.match(run.stdout, /slow\.ts: .*did not finish loading within 5 s/);
  assert.match(run.stdout, /fine\.ts\s+fine/);
});

Deno.test("the sandboxed runner stops running experiment code when the CLI that started it is killed", async () => {
  await using l = await lab("orphan");
  const beat = join(l.out, "heartbeat");
  await writeFiles(l.exp, {
    // Beats every 100 ms while loading (for at most 5 s, so the test cannot leave it running).
    "x.ts": moduleSource({
      prelude: `Deno.mkdirSync(${JSON.stringify(l.out)}, { recursive: true });
let beats = 0;
const timer = setInterval(() => Deno.writeTextFileSync(${
        JSON.stringify(beat)
      }, String(++beats)), 100);
await new Promise((r) => setTimeout(r, 5_000));
clearInterval(timer);`,
    }),
  });
  const child = new Deno.Command("deno", {
    args: ["run", ...CLI_FLAGS, "cli.ts", "run", join(l.exp, "x.ts"), "--out", l.out, "--quiet"],
    env: { NO_COLOR: "1", CRYSTALLIZE_LIB: LIB },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  for (let i = 0; i < 100 && !(await exists(beat)); i++) await delay(100);
  assert.ok(await exists(beat), "the experiment started");
  child.kill("SIGKILL");
  await child.status;
  await delay(500);
  const first = await Deno.readTextFile(beat);
  await delay(1_000);
  const second = await Deno.readTextFile(beat);
  // An orphan stops by itself after 5 s of loading: let it finish before the lab is removed.
  for (let last = second, i = 0; i < 60; i++) {
    await delay(200);
    const now = await Deno.readTextFile(beat);
    if (now === last) break;
    last = now;
  }
  await delay(500);
  assert.equal(second, first, "the runner went on after its CLI was killed");
});

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

Deno.test("terminal escape sequences from experiments (config description, module experiment names, error messages, stored runs) are shown escaped by list, run and show", async () => {
  await using l = await lab("escapes");
  const osc = "\\u001b]52;c;cHduZWQ=\\u0007\\u001b[2J\\r";
  await writeFiles(l.exp, {
    "f/config.yaml": `name: esc
description: "${osc.replaceAll("\\u001b", "\\e").replaceAll("\\u0007", "\\a")}fake"
datasource: { n: index }
steps: [probe]
`,
    "f/datasources.ts": folderFiles()["datasources.ts"],
    "f/steps.ts": folderFiles({ body: `throw new Error("boom${osc}all good");` })["steps.ts"],
    "m/m.ts": moduleSource().replace(
      `name: "attack",`,
      `name: "n${osc}", description: "d${osc}",`,
    ),
  });
  const list = await crystallize(["list", l.exp]);
  const run = await crystallize(["run", join(l.exp, "f")]);
  const show = await crystallize(["show", join(l.exp, "f")]);
  // The CLI's own lines (experiment code printed nothing here) carry no control characters.
  const control = (text: string) =>
    [...text].some((ch) => {
      const c = ch.charCodeAt(0);
      return (c < 0x20 && c !== 0x0a && c !== 0x09) || c === 0x7f;
    });
  const outputs = { list: list.stdout, "run stdout": run.stdout, "run stderr": run.stderr };
  for (const [what, text] of Object.entries({ ...outputs, show: show.stdout })) {
    assert.ok(!control(text), `${what} prints control characters: ${JSON.stringify(text)}`);
  }
});

Deno.test("(pending: runner message validation (b)) malformed messages sent with the library's own sender do not crash the CLI: a clean protocol error (non-zero exit), no stack trace", async () => {
  await using l = await lab("malformed");
  const channel = `file://${join(LIB, "src/execution/worker/parent_channel.ts")}`;
  const messages = [
    `{ type: "done", runs: 5 }`,
    `{ type: "failed", error: null }`,
    `{ type: "events", events: "x" }`,
    `{ type: "pool", id: "x", request: null, replicates: -1 }`,
    `{ type: "loaded", experiments: 7 }`,
  ];
  for (const [i, message] of messages.entries()) {
    await writeFiles(l.exp, {
      [`m${i}.ts`]: moduleSource({
        prelude: `import { sendToParent } from ${JSON.stringify(channel)};
sendToParent(${message});`,
      }),
    });
  }
  const runs = await parallel(
    messages.map((_, i) => () => crystallize(["run", join(l.exp, `m${i}.ts`), "--out", l.out])),
  );
  for (const [i, run] of runs.entries()) {
    assert.doesNotMatch(run.stderr, /Uncaught|^\s+at /m, `${messages[i]}: ${run.stderr}`);
    assert.notEqual(run.code, 0, `${messages[i]} is not taken for a successful run: ${run.stderr}`);
  }
});
