/**
 * What `crystallize run` costs before and after a trivial folder
 * experiment's one replicate (one datasource, one step that returns its
 * input): the wall time of the whole command — CLI process, sandboxed runner
 * process, summary — next to the floor, a bare `deno run` of an empty file,
 * measured in one run. The two alternate over the rounds, so load from other
 * programs hits them alike; the figures are medians with the min–max. Each
 * run starts from an empty output root.
 *
 * Run: `deno task bench:startup [rounds]` (default 15). Goal (issue 13,
 * goal 6): ≤ 180 ms wall.
 * @module
 */
import { join } from "node:path";

if (import.meta.main) await main();

/** Runs the measurement (a module others may import, e.g. `crystallize list`, runs nothing). */
async function main(): Promise<void> {
  const rounds = Number(Deno.args[0] ?? 15);
  const root = new URL("..", import.meta.url).pathname;
  const dir = await Deno.makeTempDir({ prefix: "crystallize-bench-startup-" });
  const folder = await trivialExperiment(dir);
  const empty = join(dir, "empty.ts");
  await Deno.writeTextFile(empty, "");
  const cli = [
    "run",
    "--no-prompt",
    "--allow-read",
    `--allow-write=${dir}`,
    "--allow-run=deno",
    "--allow-env=CRYSTALLIZE_HOME,CRYSTALLIZE_LIB,LOG_TOKENS,LOG_STREAM",
    join(root, "cli.ts"),
    "run",
    folder,
  ];
  const floor = ["run", empty];
  const loadBefore = loadAverage();
  // Warm Deno's caches (transpiled modules, npm packages) before timing.
  await timed(cli, root);
  await timed(floor, root);
  const cliTimes: number[] = [];
  const floorTimes: number[] = [];
  for (let round = 0; round < rounds; round++) {
    await Deno.remove(join(folder, ".crystallize"), { recursive: true }).catch(() => {});
    cliTimes.push(await timed(cli, root));
    floorTimes.push(await timed(floor, root));
  }
  await Deno.remove(dir, { recursive: true });
  const cliMedian = median(cliTimes);
  const floorMedian = median(floorTimes);
  console.log(`crystallize run, trivial folder experiment (${rounds} rounds, median [min–max]):`);
  console.log(`  load average          ${loadBefore} before, ${loadAverage()} after`);
  console.log(`  crystallize run       ${figure(cliTimes)}`);
  console.log(`  deno run empty.ts     ${figure(floorTimes)}   (floor)`);
  console.log(
    `  ratio to the floor    ${(cliMedian / floorMedian).toFixed(1)}×; ` +
      `above the floor ${(cliMedian - floorMedian).toFixed(0)} ms; goal ≤ 180 ms wall`,
  );
}

/** A folder experiment with one datasource and one step, importing this checkout's library. */
async function trivialExperiment(dir: string): Promise<string> {
  const folder = join(dir, "trivial");
  const library = JSON.stringify(new URL("../mod.ts", import.meta.url).href);
  await Deno.mkdir(folder);
  await Deno.writeTextFile(
    join(folder, "config.yaml"),
    "name: trivial\nreplicates: 1\ndatasource:\n  one: one\nsteps:\n  - same\n",
  );
  await Deno.writeTextFile(
    join(folder, "datasources.ts"),
    `import { dataSource } from ${library};\n` +
      `export const one = dataSource(() => 1, { name: "one" });\n`,
  );
  await Deno.writeTextFile(
    join(folder, "steps.ts"),
    `import { pipelineStep } from ${library};\n` +
      `export const same = pipelineStep((x: number) => x, { name: "same" });\n`,
  );
  return folder;
}

/** Wall time of `deno <args>` in ms, output drained; a failed run stops the benchmark. */
async function timed(args: readonly string[], cwd: string): Promise<number> {
  const start = performance.now();
  const { code, stderr } = await new Deno.Command("deno", {
    args: [...args],
    cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const ms = performance.now() - start;
  if (code !== 0) {
    throw new Error(`deno ${args.join(" ")} failed:\n${new TextDecoder().decode(stderr)}`);
  }
  return ms;
}

/** The 1, 5 and 15 minute load averages, which every figure should be read with. */
function loadAverage(): string {
  return Deno.loadavg().map((n) => n.toFixed(2)).join(" ");
}

function median(values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function figure(values: readonly number[]): string {
  const ms = (v: number) => `${v.toFixed(0)} ms`;
  return `${ms(median(values)).padStart(7)} [${ms(Math.min(...values))}–${
    ms(Math.max(...values))
  }]`;
}
