const DENIED = /Requires (read|write|net|env|run|sys|ffi|import) access to ("[^"]*"|[^\s,()]+)/;

/**
 * A permission error's message, rewritten to say how to grant the
 * permission to a run of the CLI: the `--allow-<kind>` flag, or
 * `permissions:` in config.yaml. Other messages come back unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cliPermissionHint } from "./permission_hint.ts";
 *
 * const hint = cliPermissionHint(
 *   'NotCapable: Requires read access to "/etc/hostname", run again with the --allow-read flag',
 * );
 * assert.equal(
 *   hint,
 *   'NotCapable: Requires read access to "/etc/hostname" (experiment code runs sandboxed; grant it with ' +
 *     '--allow-read=/etc/hostname, or permissions: { read: ["/etc/hostname"] } in config.yaml)',
 * );
 * ```
 */
export function cliPermissionHint(message: string): string {
  const match = DENIED.exec(message);
  if (match === null) return message;
  const [found, kind, target] = match;
  const value = target.replace(/^"|"$/g, "");
  const start = message.slice(0, match.index);
  return `${start}${found} (experiment code runs sandboxed; grant it with --allow-${kind}=${value}, ` +
    `or permissions: { ${kind}: [${JSON.stringify(value)}] } in config.yaml)`;
}
