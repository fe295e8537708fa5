/**
 * What a chatty experiment costs the CLI: a step printing 50 MB (random
 * bytes, so the frame magic's first byte is everywhere and forged frame
 * headers appear by chance) run through `crystallize run`, next to the same
 * run printing nothing, and to the floor — a plain `deno run` of a script
 * printing the same bytes. Output is drained through a pipe, as in CI.
 *
 * Run: `deno task bench:output [megabytes]` (default 50). Goal (issue #9):
 * the protocol neither breaks (the result arrives, exit 0) nor slows the run
 * by much more than moving the bytes costs.
 * @module
 */
import { join } from "node:path";

if (import.meta.main) await main();

/** Runs the measurement (a module others may import, e.g. `crystallize list`, runs nothing). */
async function main(): Promise<void> {
  const megabytes = Number(Deno.args[0] ?? 50);
  const dir = await Deno.makeTempDir({ prefix: "crystallize-bench-output-" });
  const library = new URL("../mod.ts", import.meta.url).href;
  const print = `
  const chunk = new Uint8Array(1 << 20);
  let seed = 7;
  for (let i = 0; i < chunk.length; i++) chunk[i] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
  export function printMegabytes(n: number): void {
    for (let m = 0; m < n; m++) {
      let written = 0;
      while (written < chunk.length) written += Deno.stdout.writeSync(chunk.subarray(written));
    }
  }
  `;
  await Deno.writeTextFile(join(dir, "print.ts"), print);
  await Deno.writeTextFile(
    join(dir, "chatty.ts"),
    `import { dataSource, Experiment, pipelineStep } from ${JSON.stringify(library)};
  import { printMegabytes } from "./print.ts";
  export const one = dataSource(() => 1, { name: "one" });
  export const chat = pipelineStep((x: number, ctx, { megabytes }) => {
    printMegabytes(megabytes);
    ctx.metrics.add("x", x);
    return x;
  }, { name: "chat", params: { megabytes: 0 } });
  export const quiet = new Experiment({ name: "quiet", datasource: one(), pipeline: [chat()] });
  export const chatty = new Experiment({
    name: "chatty",
    datasource: one(),
    pipeline: [chat({ megabytes: ${megabytes} })],
  });
  `,
  );
  await Deno.writeTextFile(
    join(dir, "floor.ts"),
    `import { printMegabytes } from "./print.ts";\nprintMegabytes(${megabytes});\n`,
  );

  async function timed(args: string[]): Promise<{ ms: number; bytes: number; code: number }> {
    const start = performance.now();
    const child = new Deno.Command("deno", {
      args,
      stdout: "piped",
      stderr: "piped",
      cwd: new URL("..", import.meta.url).pathname,
    }).spawn();
    let bytes = 0;
    const drain = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) bytes += chunk.length;
    };
    const [status] = await Promise.all([child.status, drain(child.stdout), drain(child.stderr)]);
    return { ms: performance.now() - start, bytes, code: status.code };
  }

  const cli = (name: string) => [
    "task",
    "-q",
    "cli",
    "run",
    `${join(dir, "chatty.ts")}#${name}`,
    "--out",
    join(dir, "out"),
    "--quiet",
  ];
  const rounds = 3;
  const best = { floor: Infinity, quiet: Infinity, chatty: Infinity };
  for (let round = 0; round < rounds; round++) {
    const floor = await timed(["run", join(dir, "floor.ts")]);
    const quiet = await timed(cli("quiet"));
    const chatty = await timed(cli("chatty"));
    if (chatty.code !== 0) throw new Error(`the chatty run failed (exit ${chatty.code})`);
    if (chatty.bytes < megabytes * 2 ** 20) {
      throw new Error(`only ${chatty.bytes} of ${megabytes} MB arrived`);
    }
    best.floor = Math.min(best.floor, floor.ms);
    best.quiet = Math.min(best.quiet, quiet.ms);
    best.chatty = Math.min(best.chatty, chatty.ms);
  }
  const passThrough = best.chatty - best.quiet;
  console.log(`${megabytes} MB printed by a step, best of ${rounds} rounds:`);
  console.log(`  plain deno run printing it (floor, with start-up): ${best.floor.toFixed(0)} ms`);
  console.log(`  crystallize run, printing nothing:    ${best.quiet.toFixed(0)} ms`);
  console.log(`  crystallize run, printing ${megabytes} MB:     ${best.chatty.toFixed(0)} ms`);
  console.log(
    `  cost of the output through the CLI: ${passThrough.toFixed(0)} ms ` +
      `(${(megabytes / (passThrough / 1000)).toFixed(0)} MB/s; floor ${
        (megabytes / (best.floor / 1000)).toFixed(0)
      } MB/s)`,
  );
  await Deno.remove(dir, { recursive: true });
}
