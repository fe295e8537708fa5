/**
 * Imports for `crystallize list` that keep one broken module from stopping
 * the discovery of the others: an unhandled rejection raised while a module
 * loads (its top-level code started an unawaited `experiment.run()`, say) is
 * that module's failure, not the runner's.
 * @module
 */
import { nextTurn } from "../../one_shot_timer.ts";

/** The import in progress: where a rejection raised meanwhile is recorded. */
let current: { rejection?: { reason: unknown } } | undefined;

/**
 * Imports `url` and waits one macrotask turn, so that rejections its
 * top-level code left unhandled are reported; throws the first such
 * rejection (or the import's own error). Use with {@linkcode claimRejection}
 * in the process's `unhandledrejection` listener. One import at a time.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { importIsolated } from "./isolated_import.ts";
 *
 * const mod = await importIsolated(new URL("../../../examples/scaling_demo.ts", import.meta.url).href);
 * assert.equal(typeof mod.experiment, "object");
 * ```
 */
export async function importIsolated(url: string): Promise<Record<string, unknown>> {
  const attempt: { rejection?: { reason: unknown } } = {};
  current = attempt;
  try {
    const mod = await import(url) as Record<string, unknown>;
    // Unhandled rejections are reported after the microtask queue drains.
    await nextTurn();
    if (attempt.rejection !== undefined) throw attempt.rejection.reason;
    return mod;
  } finally {
    current = undefined;
  }
}

/**
 * Records `reason` as the failure of the module {@linkcode importIsolated}
 * is loading; `false` when no import is in progress (the rejection is the
 * process's own).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { claimRejection } from "./isolated_import.ts";
 *
 * // No module is being imported: the rejection is not a module's, so the caller reports it.
 * assert.equal(claimRejection(new Error("late")), false);
 * ```
 */
export function claimRejection(reason: unknown): boolean {
  if (current === undefined) return false;
  current.rejection ??= { reason };
  return true;
}
