/**
 * The run screen's queue executor: runs on a Redis queue need the URL of
 * the Redis the CLI may connect to (as `crystallize run` needs `--redis`),
 * so choosing `queue` opens a line to type it, filled in with the one the
 * entry's config.yaml names when it does.
 * @module
 */
import { dirname } from "../../path.ts";
import { configEntries, readConfigFile } from "../../config/folder_config.ts";
import { redisAddress } from "../../execution/queue/redis_connection.ts";
import type { Key } from "./keys.ts";
import { EXECUTORS, type RunModel, type TuiModel } from "./model.ts";
import { fitLine } from "./text.ts";
import { type Update, withRun } from "./update_result.ts";

/** What the URL line starts with when no config.yaml names a Redis. */
const DEFAULT_URL = "redis://127.0.0.1:6379";

/** Key help of the open URL line. */
export const REDIS_KEYS = ["type the URL", "enter run there", "esc back"] as const;

/**
 * The Redis URLs the given config.yaml files name in their
 * `plugins: [{ QueueExecution: { connection } }]`, each once; files that
 * cannot be read name none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { queueUrlsOf } from "./queue_choice.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/config.yaml`, "datasource: { x: numbers }\nsteps: [add]\nplugins:\n  - QueueExecution: { connection: redis://10.0.0.5:6379 }\n");
 * assert.deepEqual(await queueUrlsOf([`${dir}/config.yaml`, `${dir}/missing/config.yaml`]), ["redis://10.0.0.5:6379"]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function queueUrlsOf(configFiles: readonly string[]): Promise<string[]> {
  const urls = new Set<string>();
  for (const file of configFiles) {
    const config = await readConfigFile(dirname(file)).then((f) => f.config, () => undefined);
    for (const [, entry] of configEntries(config?.plugins)) {
      const options = typeof entry === "string" ? undefined : entry.QueueExecution;
      const connection = (options as { connection?: unknown } | null | undefined)?.connection;
      if (typeof connection === "string") urls.add(connection);
    }
  }
  return [...urls];
}

/**
 * Opens the URL line of executor `queue`: the URL chosen before, else the
 * first the config names, else a local Redis.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { initialModel, openRun } from "./model.ts";
 * import { openRedisLine } from "./queue_choice.ts";
 *
 * const entry: ListEntry = { target: "e", name: "e", kind: "folder", group: "", priority: 0, icon: "", hidden: false, replicates: 1, description: "" };
 * const run = { ...openRun(entry), queueUrls: ["redis://10.0.0.5:6379"] };
 * const { model } = openRedisLine({ ...initialModel(), run }, run);
 * assert.deepEqual(model.run?.picker, { kind: "redis", text: "redis://10.0.0.5:6379" });
 * ```
 */
export function openRedisLine(model: TuiModel, run: RunModel): Update {
  const text = run.redis ?? run.queueUrls[0] ?? DEFAULT_URL;
  return withRun(model, { ...run, picker: { kind: "redis", text }, notice: undefined });
}

/**
 * Keys of the open URL line: characters edit it (`ctrl-u` clears it), Enter
 * takes a valid URL — replicates then run on that queue — and Esc goes back
 * to the execution picker.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ListEntry } from "../commands/list.ts";
 * import { initialModel, openRun } from "./model.ts";
 * import { redisKey } from "./queue_choice.ts";
 *
 * const entry: ListEntry = { target: "e", name: "e", kind: "folder", group: "", priority: 0, icon: "", hidden: false, replicates: 1, description: "" };
 * const run = { ...openRun(entry), picker: { kind: "redis" as const, text: "redis://h:637" } };
 * const typed = redisKey({ ...initialModel(), run }, run, "9").model.run!;
 * const { model } = redisKey({ ...initialModel(), run: typed }, typed, "enter");
 * assert.equal(model.run?.executor, "queue");
 * assert.equal(model.run?.redis, "redis://h:6379");
 * ```
 */
export function redisKey(model: TuiModel, run: RunModel, key: Key): Update {
  if (run.picker?.kind !== "redis") return withRun(model, run);
  const { text } = run.picker;
  const edited = (next: string) =>
    withRun(model, { ...run, picker: { kind: "redis", text: next } });
  switch (key) {
    case "escape":
      return withRun(model, { ...run, picker: { kind: "execution", cursor: QUEUE_ROW } });
    case "backspace":
      return edited(text.slice(0, -1));
    case "ctrl-u":
      return edited("");
    case "enter": {
      try {
        redisAddress(text);
      } catch (error) {
        const problem = (error as Error).message;
        return withRun(model, { ...run, picker: { kind: "redis", text, problem } });
      }
      return withRun(model, {
        ...run,
        executor: "queue",
        redis: text,
        picker: undefined,
        notice:
          `Replicates run on the queue at ${text} (start workers with crystallize worker --redis ${text}; this session).`,
      });
    }
    default:
      // Printable characters only: a URL has no spaces.
      return [...key].length === 1 && key >= " " ? edited(text + key) : withRun(model, run);
  }
}

/**
 * The URL line as the run screen shows it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisLines } from "./queue_choice.ts";
 *
 * const lines = redisLines({ text: "redis://h", problem: "no port" }, 60);
 * assert.match(lines[2], /› redis:\/\/h_/);
 * assert.match(lines[4], /no port/);
 * ```
 */
export function redisLines(
  picker: { readonly text: string; readonly problem?: string },
  width: number,
): string[] {
  return [
    fitLine("Run on a Redis queue: its URL (the CLI connects to no other):", width),
    "",
    fitLine(`› ${picker.text}_`, width),
    "",
    fitLine(picker.problem ?? "Workers take the replicates: crystallize worker --redis URL", width),
  ];
}

/** The execution picker's row of `queue` (after "the experiment's own"). */
const QUEUE_ROW = EXECUTORS.indexOf("queue") + 1;
