import { printable } from "../printable.ts";
import type { ResultJson } from "../../storage/result_json.ts";
import { CrystallizeError } from "../../errors.ts";
import { CliError } from "../cli_error.ts";
import { confirmConfigPermissions, terminalQuestion } from "../config_permissions.ts";
import { EXIT, type ExitCode } from "../exit_codes.ts";
import { explainForCli } from "../explain.ts";
import { checkOutFlag } from "../flags/folder_flag.ts";
import { checkPermissionFlags } from "../flags/permission_flags.ts";
import { ProgressDisplay } from "../progress/display.ts";
import type { RunSettings } from "../runner/protocol.ts";
import { libraryRoot, type PermissionKind, permissionsFromFlags } from "../sandbox.ts";
import { runSandboxed, sandboxOf } from "../sandboxed_run.ts";
import { resolveTarget } from "../target.ts";
import { checkQueueFlags } from "../flags/redis_flag.ts";
import { sharedOutputFlag } from "../flags/shared_output_flag.ts";
import { lazyImport } from "../../lazy_import.ts";

/** Options of `crystallize run`, as parsed from the command line. */
export interface RunCommandOptions
  extends Partial<Record<`allow${Capitalize<PermissionKind>}`, string | boolean>> {
  readonly replicates?: number;
  readonly strategy?: "resume" | "rerun";
  readonly cache: boolean;
  readonly treatment?: readonly string[];
  /** `false` with `--no-treatments`. */
  readonly treatments: boolean;
  readonly executor?: RunSettings["executor"];
  readonly workers?: number;
  /** `--redis`: the Redis of `--executor queue`, and the only one a queue run may use. */
  readonly redis?: string;
  /** `--queue`: the queue name of `--executor queue`. */
  readonly queue?: string;
  /** `--shared-output`: the folder a queue run shares with its workers. */
  readonly sharedOutput?: string;
  readonly seed?: number;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly out?: string;
  readonly failOnHypothesis?: boolean;
  /** `--allow-config-permissions`. */
  readonly allowConfigPermissions?: boolean;
}

/**
 * `crystallize run <target>`: runs an experiment or graph in a sandboxed
 * runner process and prints a summary (or, with `--json`, one JSON
 * document) on stdout; progress goes to stderr. Returns the exit code: 0
 * when every replicate succeeded, 1 when some failed (or a hypothesis was
 * not significant with `--fail-on-hypothesis`), 2 for a bad target or
 * configuration, 130 when cancelled.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./new.ts";
 * import { runCommand } from "./run.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * const folder = `${dir}/demo`;
 * const code = await runCommand(folder, { cache: true, treatments: true, quiet: true, seed: 1 });
 * assert.equal(code, 0); // every replicate succeeded; the summary was printed
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function runCommand(raw: string, options: RunCommandOptions): Promise<ExitCode> {
  try {
    return await runTarget(raw, options);
  } catch (error) {
    // With --json a script parses stdout: a bad target or config.yaml is a document too.
    if (!options.json || !(error instanceof CrystallizeError)) throw error;
    const code = error instanceof CliError ? error.exitCode : EXIT.USAGE;
    printFailure(error, code);
    return code;
  }
}

async function runTarget(raw: string, options: RunCommandOptions): Promise<ExitCode> {
  if (options.treatment !== undefined && !options.treatments) {
    throw new CliError("--treatment and --no-treatments exclude each other: give one");
  }
  if (options.workers !== undefined && options.executor === undefined) {
    throw new CliError("--workers needs --executor async, thread or process");
  }
  checkQueueFlags(options);
  checkPermissionFlags(options);
  checkOutFlag(options.out);
  const target = await resolveTarget(raw, options.out);
  await confirmConfigPermissions(target, {
    allow: options.allowConfigPermissions,
    ask: options.json ? undefined : terminalQuestion(),
  });
  const sandbox = await sandboxOf(target, permissionsFromFlags(options, Deno.cwd()), libraryRoot());
  const settings = runSettingsOf(options);
  const display = new ProgressDisplay(
    options.quiet ? "quiet" : Deno.stderr.isTerminal() ? "live" : "lines",
  );
  const running = runSandboxed(target, sandbox, settings, display);
  // The runner has been started: the summary's modules load while it runs.
  const summary = options.json || options.quiet ? undefined : summaryModule();
  const outcome = await running;
  for (const path of outcome.swept) {
    console.error(printable(
      `warning: removed ${path} from the output root: experiment code planted it ` +
        "(a git repository, or a setuid/setgid file) for other programs to run",
    ));
  }
  const results = outcome.failure?.result
    ? [...outcome.results, outcome.failure.result]
    : outcome.results;
  const code = exitCode(
    outcome.failure?.kind,
    outcome.cancelled,
    results,
    outcome.failures,
    options,
  );
  if (options.json) {
    console.log(JSON.stringify(
      {
        ok: code === EXIT.OK,
        exitCode: code,
        experiments: outcome.loaded,
        results,
        ...(Object.keys(outcome.failures).length > 0 ? { failures: outcome.failures } : {}),
        ...(outcome.failure ? { error: withoutResult(outcome.failure) } : {}),
      },
      null,
      2,
    ));
    return code;
  }
  if (summary !== undefined) {
    const { formatSummary } = await summary;
    for (const result of results) console.log(`${formatSummary(result)}\n`);
  }
  for (const [name, error] of Object.entries(outcome.failures)) {
    console.error(`error: experiment '${name}' failed: ${explainForCli(error.message)}`);
  }
  if (outcome.failure !== undefined) console.error(`error: ${outcome.failure.message}`);
  if (options.failOnHypothesis && !options.quiet) {
    for (const h of results.flatMap((r) => r.hypotheses)) {
      for (const r of h.results.filter((r) => r.significant === false)) {
        console.error(`hypothesis '${h.name}' is not significant for '${r.treatment}'`);
      }
    }
  }
  return code;
}

/** The run settings the command line gives. */
function runSettingsOf(options: RunCommandOptions): RunSettings {
  return {
    cache: options.cache,
    ...(options.replicates === undefined ? {} : { replicates: options.replicates }),
    ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    ...(options.treatments ? {} : { treatments: [] }),
    ...(options.treatment === undefined ? {} : { treatments: options.treatment }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.executor === undefined ? {} : { executor: options.executor }),
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.redis === undefined ? {} : { redis: options.redis }),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.sharedOutput === undefined
      ? {}
      : { sharedOutput: sharedOutputFlag(options.sharedOutput) }),
  };
}

function summaryModule(): Promise<typeof import("../summary.ts")> {
  return lazyImport(new URL("../summary.ts", import.meta.url));
}

function withoutResult<T extends { result?: unknown }>(failure: T): Omit<T, "result"> {
  const { result: _result, ...rest } = failure;
  return rest;
}

function exitCode(
  failure: "usage" | "run" | undefined,
  cancelled: boolean,
  results: readonly ResultJson[],
  failures: Readonly<Record<string, unknown>>,
  options: RunCommandOptions,
): ExitCode {
  if (cancelled) return EXIT.CANCELLED;
  if (failure === "usage") return EXIT.USAGE;
  if (failure === "run" || Object.keys(failures).length > 0) return EXIT.FAILED;
  if (results.some((r) => r.errors.length > 0)) return EXIT.FAILED;
  const notSignificant = results.some((r) =>
    r.hypotheses.some((h) => h.results.some((v) => v.significant === false))
  );
  if (options.failOnHypothesis && notSignificant) return EXIT.FAILED;
  return EXIT.OK;
}

/**
 * Prints the `--json` document of a run that could not start: a bad target,
 * config.yaml or command line.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "../cli_error.ts";
 * import { EXIT } from "../exit_codes.ts";
 * import { printFailure } from "./run.ts";
 *
 * // Prints `error: no experiment at 'x'` to stderr (with --json: one document on stdout).
 * assert.equal(printFailure(new CliError("no experiment at 'x'"), EXIT.USAGE), undefined);
 * ```
 */
export function printFailure(error: Error, code: ExitCode): void {
  const kind = code === EXIT.USAGE ? "usage" : "run";
  console.log(JSON.stringify(
    {
      ok: false,
      exitCode: code,
      experiments: [],
      results: [],
      error: { name: error.name, message: error.message, kind },
    },
    null,
    2,
  ));
}
