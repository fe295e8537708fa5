import { relativePath } from "../resolve_path.ts";
import { pathOfFileUrl } from "../file_url.ts";
import { listPermissionHint } from "./permission_hint.ts";
import { ProgressDisplay } from "./progress/display.ts";
import type { ExportedExperiment, FromRunner } from "./runner/protocol.ts";
import { loadFailure, startRunner } from "./runner_client.ts";
import { runnerEntry } from "./runner_entry.ts";
import { libraryRoot, sandboxFlags } from "./sandbox.ts";
import { confineSandbox } from "./sandbox_paths.ts";

/** How long `list` waits for one module to load (its top-level code included), ms. */
export const INSPECT_TIMEOUT_MS = 5_000;

/** A module that could not be inspected, with why (first line). */
export interface InspectionFailure {
  /** The module, relative to the working directory. */
  readonly path: string;
  /** Why it failed. */
  readonly message: string;
}

/** What inspecting modules found. */
export interface Inspection {
  /** The experiments and graphs they export. */
  readonly found: readonly ExportedExperiment[];
  /** One entry per module that failed to load. */
  readonly failed: readonly InspectionFailure[];
}

/** How one runner's inspection ended. */
interface RunnerAnswer {
  /** One answer per module, in order, for the modules it got through. */
  readonly answers: readonly (FromRunner & { type: "inspected" })[];
  /** Why it stopped early: its own failure message, or Deno's error on stderr. */
  readonly stopped: string;
}

/**
 * Imports `urls` in a sandboxed runner that may read `root` and nothing
 * else (no writes, no network) and reports the experiments they export.
 * Each module fails alone: the runner answers module by module, and when a
 * module kills the runner (`Deno.exit()` at its top level, a crash), that
 * module is reported failed and the ones after it are inspected in a fresh
 * runner.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathOfFileUrl } from "../file_url.ts";
 * import { inspectModules } from "./module_inspection.ts";
 *
 * const examples = pathOfFileUrl(new URL("../../examples/", import.meta.url));
 * const { found, failed } = await inspectModules(examples, [
 *   new URL("../../examples/scaling_demo.ts", import.meta.url).href,
 * ]);
 * assert.deepEqual(failed, []);
 * assert.equal(found[0].name, "scaling_demo");
 * ```
 */
export async function inspectModules(root: string, urls: readonly string[]): Promise<Inspection> {
  const library = libraryRoot();
  const flags = sandboxFlags(
    await confineSandbox({ read: [root], write: [], home: root, granted: {}, library }),
  );
  const found: ExportedExperiment[] = [];
  const failed: InspectionFailure[] = [];
  let left = [...urls];
  while (left.length > 0) {
    const { answers, stopped } = await inspectInRunner(flags, library, left);
    for (const answer of answers) {
      found.push(...answer.found);
      failed.push(
        ...answer.failed.map((f) => ({
          path: shownPath(f.module),
          message: listPermissionHint(f.error.message.split("\n")[0]),
        })),
      );
    }
    if (answers.length === left.length) break;
    // The module being imported when the runner died is the culprit.
    failed.push({
      path: shownPath(left[answers.length]),
      message: `stopped the sandboxed runner while loading: ${
        stopped || "its code ended the process"
      }`,
    });
    left = left.slice(answers.length + 1);
  }
  return { found, failed };
}

async function inspectInRunner(
  flags: readonly string[],
  library: string,
  urls: readonly string[],
): Promise<RunnerAnswer> {
  const answers: (FromRunner & { type: "inspected" })[] = [];
  let failure: string | undefined;
  const quiet = new ProgressDisplay("quiet");
  // A module whose top level never settles must not hang the listing: each gets a deadline.
  let deadline: ReturnType<typeof setTimeout> | undefined;
  const startClock = () => {
    clearTimeout(deadline);
    deadline = setTimeout(() => {
      failure = `did not finish loading within ${INSPECT_TIMEOUT_MS / 1000} s`;
      runner.kill();
    }, INSPECT_TIMEOUT_MS);
  };
  const runner = startRunner({ flags, entry: runnerEntry(library, []) }, {
    output: (bytes) => quiet.output(bytes),
    message: (m) => {
      if (m.type === "inspected") {
        answers.push(m);
        startClock();
      } else if (m.type === "failed") failure = m.error.message.split("\n")[0];
    },
    broken: (reason) => failure = reason,
  });
  runner.send({ type: "inspect", modules: urls });
  startClock();
  const status = await runner.exited;
  clearTimeout(deadline);
  const stopped = failure ?? (loadFailure(runner.stderrTail).split("\n")[0] ||
    (status.success ? "" : `exit code ${status.code}`));
  return { answers, stopped };
}

function shownPath(url: string): string {
  return relativePath(Deno.cwd(), pathOfFileUrl(url));
}
