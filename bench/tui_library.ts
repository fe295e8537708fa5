/**
 * Hand-written ANSI layer vs ink (React for terminals) under Deno, measured
 * side by side in one run, each app in a real pseudo-terminal (`script`):
 *
 * 1. start: from spawning `deno run` until the first frame is on the screen;
 * 2. key: from pressing `j` until the frame with the moved cursor arrives;
 * 3. memory: resident set size of the process as it draws its first frame;
 * 4. handing the terminal to a child (what opening `$EDITOR` does): after
 *    `e`, a child reads one line from the terminal; whether the line typed
 *    reaches it or the UI's pending read of standard input swallows it;
 * 5. whether the app starts with the permissions `crystallize` runs with
 *    (the `cli` task's: a few named environment variables, no others).
 *
 * Both apps draw the selection screen's layout (`bench/tui_library/`): ours
 * through the UI's own renderer and terminal layer, ink's as React elements.
 * Rounds alternate the apps, so load from other programs hits both alike;
 * medians are printed with the ratio ink / ours.
 *
 * Run: `deno task bench:tui [rounds]` (default 5).
 * @module
 */
const APPS = {
  ours: new URL("./tui_library/ansi_app.ts", import.meta.url).pathname,
  ink: new URL("./tui_library/ink_app.ts", import.meta.url).pathname,
} as const;
type App = keyof typeof APPS;

interface Sample {
  readonly startMs: number;
  readonly keyMs: number;
  readonly rssMiB: number;
  readonly childGotLine: boolean;
}

// deno-lint-ignore no-control-regex
const plain = (raw: string) => raw.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\r/g, "");

/** The `cli` task's permissions, less writing (the apps write nothing). */
const CLI_PERMISSIONS =
  "--no-prompt --allow-read --allow-run --allow-env=CRYSTALLIZE_HOME,CRYSTALLIZE_LIB,LOG_TOKENS,LOG_STREAM";

async function measure(app: App, permissions = "-A"): Promise<Sample> {
  const started = performance.now();
  const child = new Deno.Command("script", {
    args: [
      "-qfec",
      `stty cols 100 rows 30; deno run ${permissions} ${APPS[app]} 2>&1`,
      "/dev/null",
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const writer = child.stdin.getWriter();
  let raw = "";
  const waiters = new Set<() => void>();
  const pump = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stdout) {
      raw += decoder.decode(chunk, { stream: true });
      for (const wake of waiters) wake();
    }
  })();
  const waitFor = (pattern: RegExp, from: number, ms = 30_000) =>
    new Promise<number>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(plain(raw.slice(from)))) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(performance.now());
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`${app}: no ${pattern} in ${plain(raw.slice(from)).slice(-500)}`));
      }, ms);
      waiters.add(check);
      check();
    });
  const press = async (keys: string) => {
    const from = raw.length;
    await writer.write(new TextEncoder().encode(keys));
    return from;
  };
  const first = await waitFor(/READY|error: .*/, 0);
  const failed = /error: (.*)/.exec(plain(raw));
  if (failed !== null) {
    await child.status;
    await pump;
    throw new Error(failed[1]);
  }
  const rssKiB = Number(/rss=(\d+)/.exec(plain(raw))![1]);
  const before = performance.now();
  const keyed = await waitFor(/cursor 1/, await press("j"));
  await press("e");
  // Time for the child to start reading; a line typed then must reach it.
  await new Promise((r) => setTimeout(r, 700));
  const typed = await press("hello\r");
  const read = await waitFor(/child read: \S*/, typed, 5_000).then(() => true, () => false);
  const childGotLine = read && /child read: hello/.test(plain(raw.slice(typed)));
  if (!read) await press("\r");
  await child.status;
  await pump;
  await writer.close().catch(() => {});
  return { startMs: first - started, keyMs: keyed - before, rssMiB: rssKiB / 1024, childGotLine };
}

const median = (values: number[]) => {
  const sorted = values.toSorted((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

if (import.meta.main) {
  const rounds = Number(Deno.args[0] ?? 5);
  const samples: Record<App, Sample[]> = { ours: [], ink: [] };
  // A first start of each fills Deno's caches (ink's npm packages, type-stripped modules).
  for (const app of Object.keys(APPS) as App[]) await measure(app);
  for (let round = 0; round < rounds; round++) {
    for (const app of Object.keys(APPS) as App[]) samples[app].push(await measure(app));
  }
  const row = (name: string, pick: (s: Sample) => number, unit: string) => {
    const ours = median(samples.ours.map(pick));
    const ink = median(samples.ink.map(pick));
    console.log(
      `${name.padEnd(26)} ours ${ours.toFixed(1).padStart(7)} ${unit}   ink ${
        ink.toFixed(1).padStart(7)
      } ${unit}   ink/ours ${(ink / ours).toFixed(2)}×`,
    );
  };
  console.log(`Medians of ${rounds} rounds, each app in a 100×30 pseudo-terminal:`);
  row("start to first frame", (s) => s.startMs, "ms");
  row("key to redrawn frame", (s) => s.keyMs, "ms");
  row("resident memory", (s) => s.rssMiB, "MiB");
  for (const app of Object.keys(APPS) as App[]) {
    const got = samples[app].filter((s) => s.childGotLine).length;
    console.log(
      `${
        app.padEnd(5)
      }: the child handed the terminal read the typed line in ${got}/${rounds} rounds`,
    );
  }
  for (const app of Object.keys(APPS) as App[]) {
    const started = await measure(app, CLI_PERMISSIONS).then(
      () => "starts",
      (error: Error) => `does not start: ${error.message}`,
    );
    console.log(`${app.padEnd(5)}: with the cli task's permissions it ${started}`);
  }
}
