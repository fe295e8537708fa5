import { dirname } from "../path.ts";
import { pathOfFileUrl } from "../file_url.ts";
import { configFileData } from "../config/config_reader.ts";
import type { ResultJson } from "../storage/result_json.ts";
import type { ErrorData } from "../execution/worker/messages.ts";
import type { PoolRequest, PoolRun, WorkerLauncher } from "../execution/worker/worker_launcher.ts";
import { lazyImport } from "../lazy_import.ts";
import { explainForCli } from "./explain.ts";
import { type PoolMessage, PoolRelayHost } from "./runner/pool_relay.ts";
import type { GraphEvent } from "../graph/experiment_graph.ts";
import type {
  ExportedExperiment,
  FromRunner,
  RunnerFailure,
  RunSettings,
} from "./runner/protocol.ts";
import { loadFailure, type RunnerProcess, startRunner } from "./runner_client.ts";
import { runnerEntry } from "./runner_entry.ts";
import { mergePermissions, type Sandbox, sandboxFlags } from "./sandbox.ts";
import { confineSandbox, sweepOutputRoots } from "./sandbox_paths.ts";
import type { ResolvedTarget } from "./target.ts";

/** How a sandboxed run ended. */
export interface SandboxedOutcome {
  /** What the runner loaded. */
  readonly loaded: readonly ExportedExperiment[];
  /** Results of the experiments that ran (permission errors explained for the CLI). */
  readonly results: readonly ResultJson[];
  /** Experiments of a graph that threw, by name. */
  readonly failures: Readonly<Record<string, ErrorData>>;
  /** Why the run could not happen or stopped, if it did. */
  readonly failure: RunnerFailure | undefined;
  /** Whether the user cancelled it. */
  readonly cancelled: boolean;
  /** What experiment code planted in the output roots and the CLI removed (see `sweepOutputRoots`). */
  readonly swept: readonly string[];
}

/**
 * Where a sandboxed run reports: a `ProgressDisplay` for `run`,
 * the terminal UI's run screen for `crystallize` without arguments.
 */
export interface RunObserver {
  /** A batch of the run's events. */
  events(events: readonly GraphEvent[]): void;
  /** What experiment code printed. */
  output(bytes: Uint8Array): void;
  /** The run has ended. */
  close(): void;
}

/**
 * The sandbox of a target: its folders, output roots and config grants,
 * plus `--allow-*` flags, and the library the runner loads, checked and
 * confined by `confineSandbox` (links, output roots, `.git`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { sandboxOf } from "./sandboxed_run.ts";
 * import { resolveTarget } from "./target.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const sandbox = await sandboxOf(await resolveTarget(folder, undefined), { net: true }, "/lib");
 * assert.ok(sandbox.read.includes(folder));
 * assert.deepEqual(sandbox.write, [`${folder}/.crystallize`]);
 * assert.equal(sandbox.granted.net, true);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export function sandboxOf(
  target: ResolvedTarget,
  flags: Sandbox["granted"],
  library: string,
): Promise<Sandbox> {
  return confineSandbox({
    read: target.read,
    write: target.write,
    home: target.home,
    library,
    granted: mergePermissions(target.granted, flags),
  });
}

/**
 * Runs a target in a sandboxed runner process: starts it with the
 * sandbox's permission flags, sends the settings, shows progress, starts
 * worker pools the runner asks for, and relays Ctrl-C (or `cancel` aborting)
 * as a cooperative cancel (a second Ctrl-C kills the runner). The CLI
 * process never imports experiment code.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { ProgressDisplay } from "./progress/display.ts";
 * import { libraryRoot } from "./sandbox.ts";
 * import { runSandboxed, sandboxOf } from "./sandboxed_run.ts";
 * import { resolveTarget } from "./target.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const target = await resolveTarget(folder, undefined);
 * const sandbox = await sandboxOf(target, {}, libraryRoot());
 * const outcome = await runSandboxed(target, sandbox, { cache: true }, new ProgressDisplay("quiet"));
 * assert.equal(outcome.results[0].metrics.treatments.add_one.total.length, 10);
 * assert.equal(outcome.cancelled, false);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runSandboxed(
  target: ResolvedTarget,
  sandbox: Sandbox,
  settings: RunSettings,
  display: RunObserver,
  cancel?: AbortSignal,
): Promise<SandboxedOutcome> {
  const report = new RunnerReport(display);
  const pools = new PoolRelayHost(
    new LazyLauncher(sandbox, settings.redis, settings.sharedOutput),
    (m) => runner.send(m),
  );
  const runner = startRunner(
    {
      flags: sandboxFlags(sandbox),
      entry: runnerEntry(sandbox.library, target.modules),
      env: { CRYSTALLIZE_HOME: sandbox.home },
    },
    {
      output: (bytes) => display.output(bytes),
      broken: (reason) => report.broken(reason),
      message: (m) =>
        m.type === "pool" || m.type === "pool-cancel" ? pools.handle(m) : report.add(m),
    },
  );
  const interrupts = new Interrupts(runner, cancel);
  // Read while the runner starts (it waits for the run message only once it has loaded).
  const { gitCommitOf } = await lazyImport<typeof import("../experiment/git_commit.ts")>(
    new URL("../experiment/git_commit.ts", import.meta.url),
  );
  const git = await gitCommitOf(
    target.spec.kind === "module" ? dirname(pathOfFileUrl(target.spec.url)) : target.spec.folder,
  ) ?? null;
  runner.send({
    type: "run",
    target: target.spec,
    settings: { ...settings, git },
    configs: target.configs.map(configFileData),
  });
  if (cancel?.aborted) interrupts.interrupt();
  try {
    await runner.exited;
  } finally {
    interrupts.dispose();
    await pools.close();
    display.close();
  }
  // Workers have stopped too: nothing writes to the output roots any more.
  const swept = await sweepOutputRoots(sandbox.write);
  return report.outcome(runner.stderrTail, interrupts.cancelled, swept);
}

/**
 * The sandbox's worker launcher (`SandboxLauncher`), loaded when the runner
 * first asks for a pool: most runs start none.
 */
class LazyLauncher implements WorkerLauncher {
  readonly #sandbox: Sandbox;
  readonly #redis: string | undefined;
  readonly #sharedOutput: string | undefined;
  #launcher: Promise<WorkerLauncher> | undefined;

  constructor(sandbox: Sandbox, redis: string | undefined, sharedOutput: string | undefined) {
    this.#sandbox = sandbox;
    this.#redis = redis;
    this.#sharedOutput = sharedOutput;
  }

  async runPool(request: PoolRequest, run: PoolRun): Promise<void> {
    this.#launcher ??= lazyImport<typeof import("./sandbox_launcher.ts")>(
      new URL("./sandbox_launcher.ts", import.meta.url),
    ).then(({ SandboxLauncher }) =>
      new SandboxLauncher(this.#sandbox, this.#redis, this.#sharedOutput)
    );
    return await (await this.#launcher).runPool(request, run);
  }
}

/** What a runner reported, its messages made CLI wording (permission errors name the flags). */
class RunnerReport {
  readonly #display: RunObserver;
  #loaded: readonly ExportedExperiment[] = [];
  #results: ResultJson[] = [];
  #failures: Record<string, ErrorData> = {};
  #failure: RunnerFailure | undefined;

  constructor(display: RunObserver) {
    this.#display = display;
  }

  /** A message of the runner (pool messages go to the pool relay). */
  add(message: Exclude<FromRunner, PoolMessage>): void {
    switch (message.type) {
      case "loaded":
        this.#loaded = message.experiments;
        break;
      case "events":
        this.#display.events(
          message.events.map((e) =>
            e.type === "error" ? { ...e, message: explainForCli(e.message) } : e
          ),
        );
        break;
      case "done":
        this.#results = message.runs.map((r) => explained(r.result));
        this.#failures = { ...message.failures };
        break;
      case "failed":
        this.#failure = {
          ...message.error,
          message: explainForCli(message.error.message),
          ...(message.error.result ? { result: explained(message.error.result) } : {}),
        };
        break;
    }
  }

  /** The runner broke the protocol and was killed. */
  broken(reason: string): void {
    this.#failure = { name: "ProtocolError", message: reason, kind: "run" };
  }

  /** How the run ended; a runner that reported nothing could not load the experiment. */
  outcome(stderrTail: string, cancelled: boolean, swept: readonly string[]): SandboxedOutcome {
    let failure = this.#failure;
    const results = this.#results;
    const failures = this.#failures;
    if (failure === undefined && results.length === 0 && Object.keys(failures).length === 0) {
      const why = loadFailure(stderrTail) || "the runner process ended without a result";
      failure = {
        name: "LoadError",
        message: explainForCli(`could not load the experiment: ${why}`),
        kind: cancelled ? "run" : "usage",
      };
    }
    return { loaded: this.#loaded, results, failures, failure, cancelled, swept };
  }
}

/** Ctrl-C (or `cancel` aborting) during a run: the first asks the runner to cancel, the next kills it. */
class Interrupts {
  /** Whether the user interrupted the run. */
  cancelled = false;
  readonly #runner: RunnerProcess;
  readonly #cancel: AbortSignal | undefined;
  #count = 0;
  readonly #onInterrupt = () => this.interrupt();

  constructor(runner: RunnerProcess, cancel: AbortSignal | undefined) {
    this.#runner = runner;
    this.#cancel = cancel;
    Deno.addSignalListener("SIGINT", this.#onInterrupt);
    cancel?.addEventListener("abort", this.#onInterrupt, { once: true });
  }

  interrupt(): void {
    this.cancelled = true;
    if (++this.#count === 1) this.#runner.send({ type: "cancel" });
    else this.#runner.kill();
  }

  /** Stops listening. */
  dispose(): void {
    Deno.removeSignalListener("SIGINT", this.#onInterrupt);
    this.#cancel?.removeEventListener("abort", this.#onInterrupt);
  }
}

/** A result with permission errors rewritten to name the CLI's flags. */
function explained(result: ResultJson): ResultJson {
  if (result.errors.length === 0) return result;
  return {
    ...result,
    errors: result.errors.map((e) => ({ ...e, message: explainForCli(e.message) })),
  };
}
