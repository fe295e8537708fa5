import { listRuns, loadRun, type StoredRun, StoredRunError } from "../storage/stored_run.ts";
import { CliError } from "./cli_error.ts";
import { experimentStore, holdsRuns } from "./experiment_store.ts";
import { explainForCli, explainResult } from "./explain.ts";

/**
 * The stored run a user names, as `show` reads it: `raw` is a folder
 * experiment, a store, a version folder or a name (see
 * {@linkcode experimentStore}); the newest finished version unless
 * `version` picks one. Failure messages are explained for the CLI. A store
 * without runs, or an unreadable run, is a {@linkcode CliError} saying what
 * to run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { runCommand } from "./commands/run.ts";
 * import { storedRun } from "./stored_runs.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * await runCommand(`${dir}/demo`, { cache: true, treatments: true, quiet: true });
 * assert.equal((await storedRun(`${dir}/demo`)).version, 0);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function storedRun(raw: string, version?: number): Promise<StoredRun> {
  const { runs, target } = await experimentStore(raw, undefined);
  if (version === undefined && !holdsRuns(runs)) {
    throw new CliError(
      `no stored runs in ${runs}; run it first: crystallize run ${target ?? "<experiment>"}`,
    );
  }
  const stored = await loadRun(runs, version === undefined ? {} : { version }).catch(cliFailure);
  return explained(stored);
}

/**
 * Every finished version of the experiment `raw` names, oldest first (for
 * `treatment (vN)` summaries); unfinished versions are left out. None is a
 * {@linkcode CliError}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { newCommand } from "./commands/new.ts";
 * import { runCommand } from "./commands/run.ts";
 * import { storedVersions } from "./stored_runs.ts";
 *
 * const dir = await Deno.makeTempDir();
 * await newCommand("demo", { dir });
 * for (let i = 0; i < 2; i++) {
 *   await runCommand(`${dir}/demo`, { cache: true, treatments: true, quiet: true, strategy: "rerun" });
 * }
 * assert.deepEqual((await storedVersions(`${dir}/demo`)).map((r) => r.version), [0, 1]);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function storedVersions(raw: string): Promise<StoredRun[]> {
  const { runs, target } = await experimentStore(raw, undefined);
  const finished = listRuns(runs).filter((r) => r.complete);
  if (finished.length === 0) {
    throw new CliError(
      `no finished run in ${runs}; run it first: crystallize run ${target ?? "<experiment>"}`,
    );
  }
  const all: StoredRun[] = [];
  for (const r of finished) all.push(explained(await loadRun(r.dir).catch(cliFailure)));
  return all;
}

function explained(stored: StoredRun): StoredRun {
  const result = explainResult(stored.result);
  return { ...stored, result: { ...result, outputDir: result.outputDir ?? stored.dir } };
}

function cliFailure(error: unknown): never {
  throw error instanceof StoredRunError ? new CliError(explainForCli(error.message)) : error;
}
