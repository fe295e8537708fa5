/**
 * The sandboxed side of `crystallize run` and `crystallize list`. The CLI
 * starts this in a `deno run` process with narrow permissions (read on the
 * experiment's folder, write on its output root, plus what config or flags
 * grant) through an entry module (`src/execution/worker/entry.ts`) that
 * loads the target with permission checks, so experiment code — its top
 * level included — only ever runs here, and only from files it may read. It talks
 * to the CLI in frames on stdin/stdout (`runner_channel.ts`) and asks the
 * CLI to start worker pools (`pool_relay.ts`), since it may not start
 * processes itself.
 * @module
 */
// The whole library and the folder loader (`targets.ts`) are in the static module graph, so
// experiment modules imported later need read access only to their own files.
import "../../../mod.ts";
import { configFileOf } from "../../config/config_reader.ts";
import type { ModuleLoader } from "../../execution/worker/entry.ts";
import { errorData } from "../../execution/worker/messages.ts";
import { failure, UsageFailure } from "./failure.ts";
import { claimRejection } from "./isolated_import.ts";
import { loadErrorMessage } from "./load_error.ts";
import type { RunnerFailure } from "./protocol.ts";
import { RunnerChannel } from "./runner_channel.ts";
import { runTarget } from "./run_target.ts";
import { describe, inspect, loadTarget, type Runnable } from "./targets.ts";

/**
 * Serves one request from the CLI (`run` or `inspect`), then exits.
 * `loadModules` imports the target's modules (see `entry.ts`).
 *
 * @example
 * ```ts ignore
 * // Not run: it serves frames on this process's own stdin and stdout (the runner's main loop).
 * import { serveRunner } from "./serve.ts";
 *
 * await serveRunner(async () => ({ "file:///exp/demo.ts": await import("file:///exp/demo.ts") }));
 * ```
 */
export async function serveRunner(loadModules: ModuleLoader): Promise<never> {
  const channel = new RunnerChannel();
  // Ctrl-C reaches the whole process group: the CLI turns it into a cancel message.
  Deno.addSignalListener("SIGINT", () => {});
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    if (claimRejection(e.reason)) return;
    fail(channel, { ...errorData(e.reason), kind: "run" });
  });
  const request = await channel.next();
  if (request?.type === "inspect") {
    for (const url of request.modules) channel.send(await inspect(url));
    Deno.exit(0);
  }
  if (request?.type !== "run") Deno.exit(0);
  let target: Runnable;
  try {
    target = await loadTarget(
      request.target,
      await loadModules().catch(loadError),
      (request.configs ?? []).map(configFileOf),
    );
  } catch (error) {
    // Whatever stops the experiment from loading is a problem with the target, not a failed run.
    fail(channel, { ...failure(error), kind: "usage" });
  }
  try {
    channel.send({ type: "loaded", experiments: [describe(target, request.target)] });
    await runTarget(target, request.settings, channel);
  } catch (error) {
    fail(channel, failure(error));
  }
  Deno.exit(0);
}

/** Reports why the runner stopped, and exits. */
function fail(channel: RunnerChannel, error: RunnerFailure): never {
  channel.send({ type: "failed", error });
  Deno.exit(0);
}

/** A module that cannot be loaded (a read the sandbox refuses, a syntax error), said as such. */
function loadError(error: unknown): never {
  throw new UsageFailure(`could not load the experiment: ${loadErrorMessage(error)}`);
}
