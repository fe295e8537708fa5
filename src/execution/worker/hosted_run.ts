/**
 * Who may start a run in a worker process, the CLI's runner or a Web
 * Worker: only the program hosting it, which hands the run its worker
 * launcher. Experiment code that calls `experiment.run()` at its top level
 * would otherwise start a run while such a host imports it (in every
 * worker of a pool, say), so that call is refused with the fix.
 * @module
 */
import { CrystallizeError } from "../../errors.ts";
import { isChildEntry } from "./entry.ts";
import type { WorkerLauncher } from "./worker_launcher.ts";

/**
 * Why a run may not start here, or `undefined` when it may: a run without
 * the host's `workerLauncher` in a process started from a child entry (a
 * worker, the CLI's runner) or in a Web Worker is refused, naming the
 * module (`moduleUrl`) and the `import.meta.main` guard.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unhostedRunError } from "./hosted_run.ts";
 *
 * // In an ordinary program (this test): any run may start.
 * assert.equal(unhostedRunError("file:///exp/demo.ts", undefined), undefined);
 * ```
 */
export function unhostedRunError(
  moduleUrl: string | undefined,
  launcher: WorkerLauncher | undefined,
): CrystallizeError | undefined {
  if (launcher !== undefined || !(inWebWorker() || isChildEntry())) return undefined;
  return new CrystallizeError(
    `experiment.run() was called while a worker imported '${
      moduleUrl ?? "the experiment module"
    }'; ` +
      "guard the call with `if (import.meta.main) { ... }` so importing the module does not start a run",
  );
}

function inWebWorker(): boolean {
  return typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope === "function";
}
