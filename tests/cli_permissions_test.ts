/**
 * The CLI runs experiment code in a sandbox: a step (or a module's top-level
 * code) that reads a file outside the experiment's folder or opens a socket
 * fails with the permission and the flag that grants it, unless a flag or
 * config.yaml grants it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";

const PROBES = "tests/fixtures/cli/sandbox_probes.ts";

Deno.test("a step reading /etc/hostname fails with the flag to grant it, and runs once granted", async () => {
  await using dir = await tempDir("cli-perm-read");
  const denied = await cli(["run", `${PROBES}#readsHostname`, "--json", "--out", dir.path]);
  assert.equal(denied.code, 1);
  const [result] = JSON.parse(denied.stdout).results;
  assert.equal(result.errors.length, 2);
  assert.equal(
    result.errors[0].message,
    'Requires read access to "/etc/hostname" (experiment code runs sandboxed; grant it with ' +
      '--allow-read=/etc/hostname, or permissions: { read: ["/etc/hostname"] } in config.yaml)',
  );
  const text = await cli(["run", `${PROBES}#readsHostname`, "--out", dir.path]);
  assert.equal(text.code, 1);
  assert.match(text.stdout, /Failed replicates: 2/);
  assert.match(
    text.stderr,
    /replicate 0 of 'baseline' failed in read_hostname: Requires read access to "\/etc\/hostname" \(experiment code runs sandboxed; grant it with --allow-read=\/etc\/hostname/,
  );
  // Each failure is shown once (by the CLI, with the hint), not again by the experiment's logger.
  assert.equal(text.stderr.match(/replicate 0 of 'baseline' failed/gi)?.length, 1, text.stderr);
  const quiet = await cli(["run", `${PROBES}#readsHostname`, "--quiet", "--out", dir.path]);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.stderr, "", "--quiet prints nothing, failures included");

  const granted = await cli([
    "run",
    `${PROBES}#readsHostname`,
    "--allow-read=/etc/hostname",
    "--json",
    "--out",
    dir.path,
  ]);
  assert.equal(granted.code, 0, granted.stdout);
  const ok = JSON.parse(granted.stdout).results[0];
  assert.equal(ok.metrics.baseline.bytes.length, 2);
  assert.equal(
    ok.metrics.baseline.bytes[0],
    (await Deno.readTextFile("/etc/hostname").catch(() => "")).length ||
      ok.metrics.baseline.bytes[0],
  );
});

Deno.test("the same on worker processes started for the sandbox (--executor process)", async () => {
  await using dir = await tempDir("cli-perm-process");
  const denied = await cli([
    "run",
    `${PROBES}#readsHostname`,
    "--executor",
    "process",
    "--workers",
    "2",
    "--json",
    "--out",
    dir.path,
  ]);
  assert.equal(denied.code, 1);
  const [result] = JSON.parse(denied.stdout).results;
  assert.match(result.provenance.executionStrategy, /^process\(maxWorkers=2\)/);
  assert.equal(result.errors.length, 2);
  assert.match(result.errors[0].message, /grant it with --allow-read=\/etc\/hostname/);
  const granted = await cli([
    "run",
    `${PROBES}#readsHostname`,
    "--executor",
    "process",
    "--allow-read=/etc/hostname",
    "--quiet",
    "--out",
    dir.path,
  ]);
  assert.equal(granted.code, 0, granted.stderr);
});

Deno.test("experiment code may not start processes: the sandbox has no run permission", async () => {
  await using dir = await tempDir("cli-perm-run");
  const denied = await cli(["run", `${PROBES}#spawns`, "--json", "--out", dir.path]);
  assert.equal(denied.code, 1);
  assert.match(
    JSON.parse(denied.stdout).results[0].errors[0].message,
    /Requires run access to "deno"/,
  );
});

Deno.test("a step opening a socket fails unless --allow-net grants the host", async () => {
  await using dir = await tempDir("cli-perm-net");
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  const served = (async () => {
    for await (const conn of listener) {
      await conn.write(new TextEncoder().encode("hello"));
      conn.close();
    }
  })().catch(() => {});
  await writeFiles(dir.path, {
    "net.ts": `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(MOD)};
export const none = dataSource(() => 0, { name: "none" });
export const fetchGreeting = pipelineStep(async (d: number, ctx) => {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: ${port} });
  const buf = new Uint8Array(16);
  ctx.metrics.add("bytes", (await conn.read(buf)) ?? 0);
  conn.close();
  return d;
}, { name: "fetch_greeting" });
export default new Experiment({ name: "net", datasource: none(), pipeline: [fetchGreeting()] });
`,
  });
  const module = join(dir.path, "net.ts");
  // The output root may not hold the experiment's code (a run could rewrite it).
  const out = join(dir.path, "runs");
  const denied = await cli(["run", module, "--json", "--out", out]);
  assert.equal(denied.code, 1);
  assert.equal(
    JSON.parse(denied.stdout).results[0].errors[0].message,
    `Requires net access to "127.0.0.1:${port}" (experiment code runs sandboxed; grant it with ` +
      `--allow-net=127.0.0.1:${port}, or permissions: { net: ["127.0.0.1:${port}"] } in config.yaml)`,
  );
  const granted = await cli([
    "run",
    module,
    `--allow-net=127.0.0.1:${port}`,
    "--json",
    "--out",
    out,
  ]);
  assert.equal(granted.code, 0, granted.stdout);
  assert.deepEqual(JSON.parse(granted.stdout).results[0].metrics.baseline.bytes, [5]);
  listener.close();
  await served;
});

Deno.test("module top-level code runs in the sandbox too: its read fails the load (exit 2)", async () => {
  const denied = await cli(["run", "tests/fixtures/cli/top_level_read.ts"]);
  assert.equal(denied.code, 2);
  assert.match(
    denied.stderr,
    /could not load the experiment: .*Requires read access to "\/etc\/hostname"/,
  );
  assert.match(denied.stderr, /grant it with --allow-read=\/etc\/hostname/);
});

Deno.test("config.yaml permissions: grant what a folder experiment's code needs", async () => {
  await using dir = await tempDir("cli-perm-config");
  const steps = `import { pipelineStep } from ${JSON.stringify(MOD)};
export const readHostname = pipelineStep((d: number, ctx) => {
  ctx.metrics.add("bytes", Deno.readTextFileSync("/etc/hostname").length);
  return d;
}, { name: "read_hostname" });
`;
  const datasources = `import { dataSource } from ${JSON.stringify(MOD)};
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
`;
  const config = (extra: string) =>
    `name: probe\nreplicates: 2\ndatasource: { n: index }\nsteps: [read_hostname]\n${extra}`;
  await writeFiles(dir.path, {
    "denied/config.yaml": config(""),
    "denied/steps.ts": steps,
    "denied/datasources.ts": datasources,
    "granted/config.yaml": config('permissions: { read: ["/etc/hostname"] }\n'),
    "granted/steps.ts": steps,
    "granted/datasources.ts": datasources,
  });
  const denied = await cli(["run", join(dir.path, "denied"), "--quiet"]);
  assert.equal(denied.code, 1);
  // Reading outside its folder is asked for by the experiment: the user confirms it.
  const unconfirmed = await cli(["run", join(dir.path, "granted"), "--quiet"]);
  assert.equal(unconfirmed.code, 2);
  assert.match(
    unconfirmed.stderr,
    /config\.yaml of .*granted asks for permissions beyond its own folders: read: \/etc\/hostname\. .*--allow-config-permissions/,
  );
  const granted = await cli([
    "run",
    join(dir.path, "granted"),
    "--json",
    "--allow-config-permissions",
  ]);
  assert.equal(granted.code, 0, granted.stdout);
  assert.equal(JSON.parse(granted.stdout).results[0].metrics.baseline.bytes.length, 2);
});

Deno.test("config.yaml asking for run, env, write or every host is refused until confirmed; read inside and listed hosts are not asked", async () => {
  await using dir = await tempDir("cli-perm-confirm");
  const steps = `import { pipelineStep } from ${JSON.stringify(MOD)};
export const noop = pipelineStep((d: number, ctx) => { ctx.metrics.add("x", d); return d; }, { name: "noop" });
`;
  const datasources = `import { dataSource } from ${JSON.stringify(MOD)};
export const index = dataSource((ctx) => ctx.replicate, { name: "index" });
`;
  const cases: Record<string, [string, string | undefined]> = {
    run: ['{ run: ["bash"] }', "run: bash"],
    env: ["{ env: true }", "env: all"],
    write: ['{ write: ["/tmp/crystallize-canary"] }', "write: /tmp/crystallize-canary"],
    net: ["{ net: true }", "net: all"],
    several: ['{ sys: ["hostname"], ffi: true }', "sys: hostname; ffi: all"],
    inside: ['{ read: ["./data"], net: ["127.0.0.1:9"] }', undefined],
  };
  for (const [name, [permissions]] of Object.entries(cases)) {
    await writeFiles(join(dir.path, name), {
      "config.yaml":
        `name: ${name}\nreplicates: 1\ndatasource: { n: index }\nsteps: [noop]\npermissions: ${permissions}\n`,
      "steps.ts": steps,
      "datasources.ts": datasources,
    });
  }
  for (const [name, [, asked]] of Object.entries(cases)) {
    const out = await cli(["run", join(dir.path, name), "--quiet"]);
    if (asked === undefined) {
      assert.equal(out.code, 0, `${name}: ${out.stderr}`);
      continue;
    }
    assert.equal(out.code, 2, name);
    assert.ok(
      out.stderr.includes(`asks for permissions beyond its own folders: ${asked}.`),
      out.stderr,
    );
    assert.match(out.stderr, /--allow-config-permissions/);
    // Refused before anything ran: nothing was stored.
    await assert.rejects(Deno.stat(join(dir.path, name, ".crystallize")));
  }
  const confirmed = await cli([
    "run",
    join(dir.path, "env"),
    "--quiet",
    "--allow-config-permissions",
  ]);
  assert.equal(confirmed.code, 0, confirmed.stderr);
});
