/**
 * The Errors tab's entries from a finished sandboxed run: why it could not
 * run, each experiment of a graph that failed, and each failed replicate,
 * every one with its stack, cleaned of control sequences (they come from
 * experiment code).
 * @module
 */
import type { SandboxedOutcome } from "../sandboxed_run.ts";
import type { RunError } from "./model.ts";
import { plainText } from "./text.ts";

/** Lines of a stack kept per failure. */
const STACK_LINES = 40;

/**
 * The failures of `outcome`, in order: the run's own, the graph's
 * experiments', then the replicates'.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runErrors } from "./run_errors.ts";
 *
 * const outcome = { loaded: [], results: [], failures: { up: { name: "Error", message: "boom", stack: "Error: boom\n    at f (file:///p/steps.ts:3:9)" } }, failure: undefined, cancelled: false, swept: [] };
 * assert.deepEqual(runErrors(outcome), [{ title: "experiment up failed", lines: ["Error: boom", "    at f (file:///p/steps.ts:3:9)"] }]);
 * ```
 */
export function runErrors(outcome: SandboxedOutcome): RunError[] {
  const errors: RunError[] = [];
  if (outcome.failure !== undefined) {
    errors.push({ title: "the run stopped", lines: lines(outcome.failure) });
  }
  for (const [name, error] of Object.entries(outcome.failures)) {
    errors.push({ title: `experiment ${name} failed`, lines: lines(error) });
  }
  for (const result of outcome.results) {
    for (const e of result.errors) {
      errors.push({
        title: `${result.experiment} · ${e.condition} #${e.replicate} · ${e.step}`,
        lines: lines(e),
      });
    }
  }
  return errors;
}

function lines(
  error: { readonly name: string; readonly message: string; readonly stack?: string },
): string[] {
  const head = `${error.name}: ${error.message}`.split("\n");
  const stack = (error.stack ?? "").split("\n");
  // A stack usually starts with the message again.
  const frames = stack[0]?.startsWith(`${error.name}: `) || stack[0] === error.name
    ? stack.slice(error.message.split("\n").length)
    : stack;
  return [...head, ...frames.filter((l) => l.trim() !== "").slice(0, STACK_LINES)].map((l) =>
    plainText(l)
  );
}
