/**
 * Hostile or mistaken flag values through the real CLI: `--allow-*` lists
 * Deno would refuse (with a Rust backtrace), `--out` at a file or where no
 * sandbox may write, `new --dir` outside the working directory. Each exits 2
 * with a message naming the flag and the fix, and no stack trace.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { permissionValueProblem } from "../src/execution/permission_values.ts";
import { folderProblem } from "../src/cli/flags/folder_flag.ts";
import { permissionFlagsProblem } from "../src/cli/flags/permission_flags.ts";
import { cli } from "./fixtures/cli/run_cli.ts";
import { DATASOURCES, STEPS, tempTree } from "./fixtures/config/folders.ts";

const EXPERIMENT = {
  "demo/config.yaml": "name: demo\ndatasource: { numbers: constant }\nsteps: [total]\n",
  "demo/datasources.ts": DATASOURCES,
  "demo/steps.ts": STEPS,
};

function assertUsageError(run: { code: number; stderr: string }, message: RegExp): void {
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, message);
  assert.doesNotMatch(run.stderr, /Stack backtrace|Uncaught|Caused by|^\s+at /m, run.stderr);
}

/** Whether Deno starts with `--allow-<kind>=<value>`. */
async function denoAccepts(kind: string, value: string): Promise<boolean> {
  const out = await new Deno.Command("deno", {
    args: ["run", `--allow-${kind}=${value}`, "data:application/javascript,"],
    stdout: "null",
    stderr: "null",
  }).output();
  return out.success;
}

Deno.test("permission values: what the check accepts, Deno accepts", async () => {
  const net = [
    "example.com",
    "example.com:443",
    "*.example.com:443",
    "a_b.com",
    "x.",
    "1.2.3.4",
    "1.2.3.4:0",
    "192.168.0.0/16",
    "[::1]",
    "[::1]:8080",
    "localhost:65535",
  ];
  const badNet = [
    "http://x/y",
    ":::",
    "a b",
    "::1",
    "x:99999",
    "localhost:",
    "é.com",
    "x:80:90",
    "x..y",
    "x/y",
    "*",
    "[::1]:",
    "[zz]",
    "10.0.0.0/33",
  ];
  for (const value of net) {
    assert.equal(permissionValueProblem("net", value), undefined, value);
    assert.ok(await denoAccepts("net", value), `Deno refuses ${value}`);
  }
  for (const value of badNet) {
    assert.notEqual(permissionValueProblem("net", value), undefined, value);
    assert.ok(!(await denoAccepts("net", value)), `Deno accepts ${value}`);
  }
  for (const [kind, value] of [["env", "A=B"], ["sys", "bogus"], ["read", ""]]) {
    assert.notEqual(permissionValueProblem(kind, value), undefined, value);
    assert.ok(!(await denoAccepts(kind, value)), `Deno accepts --allow-${kind}=${value}`);
  }
  assert.equal(permissionValueProblem("env", "API_TOKEN"), undefined);
  assert.equal(permissionValueProblem("sys", "hostname"), undefined);
  assert.equal(permissionFlagsProblem({ allowNet: true, allowRead: "./data,/etc" }), undefined);
  assert.match(permissionFlagsProblem({ allowEnv: "" })!, /^--allow-env= has an empty list/);
});

Deno.test("--allow-* flags with values Deno would refuse exit 2 naming the flag and a valid example", async () => {
  await using dir = await tempTree("cli-flags-allow", EXPERIMENT);
  const cases: [string, RegExp][] = [
    [
      "--allow-net=http://x/y",
      /^error: --allow-net=http:\/\/x\/y: 'http:\/\/x\/y' is a URL: give the host \(and port\) only, e\.g\. x:443; --allow-net takes a comma-separated list, e\.g\. --allow-net=api\.example\.com:443/m,
    ],
    [
      "--allow-net=:::",
      /^error: --allow-net=:::: ':::' looks like an IPv6 address: write it in brackets/m,
    ],
    ["--allow-net=a b", /^error: --allow-net=a b: 'a b' contains a space/m],
    [
      "--allow-net=ok.com,x:99999",
      /'x:99999' has port '99999'; a port is a number from 0 to 65535/,
    ],
    [
      "--allow-net=",
      /^error: --allow-net= has an empty list: write --allow-net alone to allow everything/m,
    ],
    ["--allow-env=A=B", /^error: --allow-env=A=B: 'A=B' is not an environment variable name/m],
    [
      "--allow-sys=bogus",
      /^error: --allow-sys=bogus: 'bogus' is not system information Deno knows \(hostname, /m,
    ],
  ];
  for (const [flag, message] of cases) {
    assertUsageError(await cli(["run", dir.at("demo"), flag, "--quiet"]), message);
  }
  const json = await cli(["run", dir.at("demo"), "--allow-net=http://x/y", "--json"]);
  assert.equal(json.code, 2);
  assert.match(JSON.parse(json.stdout).error.message, /^--allow-net=http:\/\/x\/y: /);
  assert.ok(!(await Deno.stat(dir.at("demo", ".crystallize")).then(() => true, () => false)));
});

Deno.test("permissions: in config.yaml that Deno would refuse are reported at their line and column", async () => {
  await using dir = await tempTree("cli-flags-config", {
    ...EXPERIMENT,
    "demo/config.yaml": EXPERIMENT["demo/config.yaml"] +
      'permissions:\n  net: [api.example.com:443, "http://x/y"]\n  sys: [bogus]\n',
  });
  const run = await cli(["run", dir.at("demo"), "--quiet"]);
  assertUsageError(run, /demo\/config\.yaml:5:30: permissions\.net\[1\]: 'http:\/\/x\/y' is a URL/);
  assert.match(
    run.stderr,
    /demo\/config\.yaml:6:9: permissions\.sys\[0\]: 'bogus' is not system information/,
  );
});

Deno.test("--out at a file, inside a file, or where Deno lets no sandbox write exits 2 naming --out", async () => {
  await using dir = await tempTree("cli-flags-out", { ...EXPERIMENT, "taken.txt": "keep me" });
  const file = resolve(dir.at("taken.txt"));
  const cases: [string, RegExp][] = [
    [
      file,
      /^error: --out .*taken\.txt: .*taken\.txt is a file, not a folder; give a folder the experiment may create and write its runs in, e\.g\. --out \.\/runs/m,
    ],
    [
      join(file, "x"),
      /^error: --out .*taken\.txt\/x: .*taken\.txt is not a folder, so nothing can be created in it/m,
    ],
    [
      "/proc/x",
      /^error: --out \/proc\/x: \/proc\/x is under \/proc, where Deno lets no sandboxed process write/m,
    ],
    ["/dev/null/x", /^error: --out \/dev\/null\/x: \/dev\/null\/x is under \/dev/m],
    ["/sys/x", /^error: --out \/sys\/x: .* is under \/sys/m],
  ];
  for (const [out, message] of cases) {
    assertUsageError(await cli(["run", dir.at("demo"), "--out", out, "--quiet"]), message);
  }
  assert.equal(await Deno.readTextFile(file), "keep me");
  assert.equal(folderProblem(dir.at("not-yet", "runs")), undefined, "a missing folder is fine");
  const ok = await cli(["run", dir.at("demo"), "--out", dir.at("not-yet", "runs"), "--quiet"]);
  assert.equal(ok.code, 0, ok.stderr);
});

Deno.test("new --dir outside the working directory, or at a file, exits 2 naming --dir and creates nothing", async () => {
  await using dir = await tempTree("cli-flags-new", { "taken.txt": "keep me" });
  const outside = join(
    Deno.build.os === "windows" ? "C:\\" : "/tmp",
    `crystallize-outside-${crypto.randomUUID()}`,
  );
  assertUsageError(
    await cli(["new", "demo", "--dir", outside]),
    /^error: --dir .*crystallize-outside-.*: .*demo is outside the folders this crystallize may write \(the folder it was started in\); give a folder inside the working directory, e\.g\. --dir experiments/m,
  );
  assert.ok(!(await Deno.stat(outside).then(() => true, () => false)), "nothing created outside");
  assertUsageError(
    await cli(["new", "demo", "--dir", dir.at("taken.txt")]),
    /^error: --dir .*taken\.txt: .*taken\.txt is not a folder, so nothing can be created in it/m,
  );
  assert.equal(await Deno.readTextFile(dir.at("taken.txt")), "keep me");
  const made = await cli(["new", "demo", "--dir", dir.at("ok")]);
  assert.equal(made.code, 0, made.stderr);
});

Deno.test("show and clean refuse a stored experiment name that is not a path name", async () => {
  for (const command of ["show", "clean"]) {
    assertUsageError(
      await cli([command, "bad:name"]),
      /^error: experiment name "bad:name" cannot be used as a folder or file name: it contains ":"/m,
    );
  }
});
