import { FramedChild, type FramedChildHandlers } from "../execution/worker/framed_child.ts";
import type { FromRunner, ToRunner } from "./runner/protocol.ts";
import { printableData } from "./printable.ts";
import { checkFromRunner } from "./runner/protocol_shapes.ts";

const STDERR_TAIL = 8192;

/** How a runner process is started. */
export interface RunnerLaunch {
  /** `deno run` flags: the sandbox's (see `sandboxFlags`). */
  readonly flags: readonly string[];
  /** The entry module (see `runnerEntry`). */
  readonly entry: string;
  /** Environment variables set for it (it inherits the others, readable only where granted). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A runner process: a framed child speaking the runner protocol. */
export type RunnerProcess = FramedChild<ToRunner, FromRunner>;

/**
 * Starts a runner: a sandboxed `deno run` child process that loads and runs
 * experiment code, spoken to in frames on stdin/stdout. Its messages are
 * checked (`protocol_shapes.ts`) and made printable before `handlers`
 * see them. The CLI process itself never imports experiment modules.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import type { FromRunner } from "./runner/protocol.ts";
 * import { startRunner } from "./runner_client.ts";
 * import { runnerEntry } from "./runner_entry.ts";
 * import { fileUrl, libraryRoot, sandboxFlags } from "./sandbox.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const library = libraryRoot();
 * const flags = sandboxFlags({ read: [dir], write: [], home: dir, granted: {}, library });
 * const messages: FromRunner[] = [];
 * const runner = startRunner({ flags, entry: runnerEntry(library, []) }, {
 *   message: (m) => messages.push(m),
 *   output: () => {},
 *   broken: (reason) => assert.fail(reason),
 * });
 * runner.send({ type: "inspect", modules: [fileUrl(`${folder}/steps.ts`)] });
 * assert.equal((await runner.exited).code, 0);
 * assert.equal(messages.at(-1)?.type, "inspected");
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function startRunner(
  launch: RunnerLaunch,
  handlers: FramedChildHandlers<FromRunner>,
): RunnerProcess {
  return new FramedChild({
    ...launch,
    stderrTail: STDERR_TAIL,
    check: (frame) => printableData(checkFromRunner(frame)),
  }, handlers);
}

/**
 * Deno's own error report from a runner's stderr, without stack lines: why a
 * module could not be loaded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadFailure } from "./runner_client.ts";
 *
 * assert.equal(
 *   loadFailure('error: Uncaught (in promise) NotCapable: Requires read access to "/etc/hostname"\n    at file:///exp/x.ts:1:1'),
 *   'Uncaught (in promise) NotCapable: Requires read access to "/etc/hostname"',
 * );
 * ```
 */
export function loadFailure(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trimEnd());
  const start = lines.findLastIndex((l) => l.startsWith("error: "));
  const relevant = (start >= 0 ? lines.slice(start) : lines).filter((l) =>
    l.trim() !== "" && !l.trim().startsWith("at ")
  );
  return relevant.map((l) => l.replace(/^error: /, "")).join("\n").trim();
}
