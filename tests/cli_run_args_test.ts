/**
 * `crystallize run` command lines read without commander (`run_args.ts`)
 * mean what commander makes of them: for thousands of command lines built
 * from the options' flags, good and bad values, `--`, help and unknown
 * options, the quick reader either leaves the line to commander or gives
 * exactly commander's target and options.
 */
import assert from "node:assert/strict";
import { Command, CommanderError } from "npm:commander@15.1.0";
import { commanderOption } from "../src/cli/commander_program.ts";
import { quickRunArgs, type RunArgs } from "../src/cli/run_args.ts";
import { RUN_OPTIONS } from "../src/cli/run_options.ts";
import { seededRandom } from "./seeded_random.ts";

/** The run command line as commander reads it, or `undefined` for a usage error (or help). */
function viaCommander(args: readonly string[]): RunArgs | undefined {
  const silent = { writeOut: () => {}, writeErr: () => {} };
  const program = new Command("crystallize").exitOverride().configureOutput(silent)
    .enablePositionalOptions();
  const run = program.command("run").argument("<target>");
  for (const spec of RUN_OPTIONS) run.addOption(commanderOption(spec));
  let read: RunArgs | undefined;
  run.action((target: string, options) => {
    read = { target, options: { ...options } };
  });
  try {
    program.parse([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return undefined;
    throw error;
  }
  return read;
}

const WORDS = [
  "exp",
  "other/exp",
  "exp.ts#demo",
  "",
  "-",
  "--",
  "-h",
  "--help",
  "--version",
  "-5",
  "1",
  "0",
  "007",
  "1e3",
  "a,b",
  " c ",
  "resume",
  "process",
  "bogus",
  "--bogus",
  "--json=1",
  "--no-cache=0",
  "--replicates=4",
  "--replicates=",
  "--seed=-1",
  "--treatment=x",
  "--allow-read=",
  "--allow-net=example.com:443",
  "--executor=queue",
  "--strategy=rerun",
  ...RUN_OPTIONS.map((o) => o.flags.split(" ")[0]),
];

/** A seeded generator of command lines (mulberry32), so a failure repeats. */
function* commandLines(count: number, seed: number): Generator<string[]> {
  const next = seededRandom(seed);
  for (let i = 0; i < count; i++) {
    const words = Array.from(
      { length: 1 + Math.floor(next() * 6) },
      () => WORDS[Math.floor(next() * WORDS.length)],
    );
    // Most lines name a target somewhere, as real ones do.
    if (next() < 0.8) words.splice(Math.floor(next() * (words.length + 1)), 0, "exp");
    yield ["run", ...words];
  }
}

Deno.test("quick run args: what the reader takes, it reads as commander does", () => {
  let taken = 0;
  for (const args of commandLines(20_000, 13)) {
    const quick = quickRunArgs(args);
    if (quick === undefined) continue;
    taken++;
    assert.deepEqual(quick, viaCommander(args), `run args ${JSON.stringify(args)}`);
  }
  // The generator makes plenty of plain command lines: the quick path is no dead end.
  assert.ok(taken > 2_000, `only ${taken} command lines read quickly`);
});

Deno.test("quick run args: plain command lines are read, unusual ones left to commander", () => {
  const plain = [
    ["run", "examples/folder_experiment"],
    ["run", "exp", "--replicates", "20", "--seed", "1", "--json"],
    ["run", "--executor", "process", "--workers", "2", "examples/process_pool.ts"],
    ["run", "exp", "--allow-net=api.example.com:443", "--allow-read", "--quiet"],
    ["run", "exp", "--treatment", "a,b", "--treatment=c", "--no-cache", "--strategy", "resume"],
  ];
  for (const args of plain) {
    assert.notEqual(quickRunArgs(args), undefined, JSON.stringify(args));
    assert.deepEqual(quickRunArgs(args), viaCommander(args), JSON.stringify(args));
  }
  const unusual = [
    ["run"],
    ["run", "exp", "extra"],
    ["run", "exp", "--help"],
    ["run", "--", "exp"],
    ["run", "exp", "--replicates", "0"],
    ["run", "exp", "--seed", "-1"],
    ["run", "exp", "--strategy", "bogus"],
    ["run", "--allow-read", "exp"], // commander takes exp as the read list: the target is missing
    ["list", "exp"],
  ];
  for (const args of unusual) assert.equal(quickRunArgs(args), undefined, JSON.stringify(args));
});
