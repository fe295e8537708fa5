import type { ResultJson } from "../storage/result_json.ts";
import { cliWording } from "./cli_wording.ts";
import { cliPermissionHint } from "./permission_hint.ts";

/**
 * A message as the CLI shows it: a permission error says how to grant the
 * permission to a run of the CLI (`--allow-*`, config.yaml), and fixes
 * worded for code are worded for the command line (see `cliWording`).
 * Idempotent, so stored messages can be explained again when shown.
 *
 * @example
 * ```ts
 * explainForCli('NotCapable: Requires read access to "/etc/hostname", run again with the --allow-read flag');
 * // 'NotCapable: Requires read access to "/etc/hostname" (experiment code runs sandboxed; grant it with --allow-read=/etc/hostname, ...)'
 * ```
 */
export function explainForCli(message: string): string {
  return cliWording(cliPermissionHint(message));
}

/**
 * A result whose failed replicates' messages are explained for the CLI
 * ({@linkcode explainForCli}): for runs as they finish, and for stored runs
 * `show` and the terminal UI read back (stored messages are the raw ones).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { ResultJson } from "../storage/result_json.ts";
 * import { explainResult } from "./explain.ts";
 *
 * const stored = {
 *   errors: [{
 *     condition: "baseline",
 *     replicate: 0,
 *     step: "read",
 *     name: "NotCapable",
 *     message: 'Requires read access to "/etc/hostname", run again with the --allow-read flag',
 *   }],
 * } as unknown as ResultJson;
 * assert.match(explainResult(stored).errors[0].message, /grant it with --allow-read=\/etc\/hostname/);
 * ```
 */
export function explainResult(result: ResultJson): ResultJson {
  if (result.errors.length === 0) return result;
  return {
    ...result,
    errors: result.errors.map((e) => ({ ...e, message: explainForCli(e.message) })),
  };
}
