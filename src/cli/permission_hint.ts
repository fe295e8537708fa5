/** Deno refusing a download: an npm package not in its cache (named), or a remote import. */
const OFFLINE = /npm package not found in cache: "([^"]+)"|A remote specifier was requested/;

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
  const offline = OFFLINE.exec(message);
  if (offline !== null) {
    return `${message} (sandboxed runs download nothing: ${
      offline[1] === undefined
        ? "remote imports are refused; vendor the module into the experiment's folder"
        : `put ${
          offline[1]
        } in Deno's cache once, outside the sandbox, with \`deno cache <module>\``
    })`;
  }
  const match = DENIED.exec(message);
  if (match === null) return message;
  const [found, kind, target] = match;
  const value = target.replace(/^"|"$/g, "");
  const start = message.slice(0, match.index);
  return `${start}${found} (experiment code runs sandboxed; grant it with --allow-${kind}=${value}, ` +
    `or permissions: { ${kind}: [${JSON.stringify(value)}] } in config.yaml)`;
}

/**
 * A permission error from `crystallize list`, which imports modules with
 * read access to the listed folder only and cannot be widened: Deno's
 * "run again with the --allow-… flag" advice is replaced by what to do.
 * Other messages come back unchanged.
 *
 * @example
 * ```ts
 * listPermissionHint('Requires write access to "out.txt", run again with the --allow-write flag');
 * // 'Requires write access to "out.txt" (list imports modules read-only: move code with side effects
 * //  under `if (import.meta.main) { ... }`)'
 * ```
 */
export function listPermissionHint(message: string): string {
  const match = DENIED.exec(message);
  if (match === null) return message;
  return `${message.slice(0, match.index)}${match[0]} (list imports modules read-only: ` +
    "move code with side effects under `if (import.meta.main) { ... }`)";
}
