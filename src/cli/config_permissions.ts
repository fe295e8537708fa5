/**
 * A config.yaml comes with the experiment, so it is as untrusted as the
 * experiment's code: it may ask for permissions, but beyond reading inside
 * its own folders and reaching the network hosts it lists, only the person
 * running it can grant them (a flag, or an answer at a prompt).
 * @module
 */
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import { CliError } from "./cli_error.ts";
import { PERMISSION_KINDS } from "./sandbox.ts";
import { within } from "./within.ts";
import type { ResolvedTarget } from "./target.ts";

/** The flag that grants what config.yaml asks for without a prompt. */
export const CONFIRM_FLAG = "--allow-config-permissions";

/**
 * What the target's config.yaml files ask for that needs confirmation:
 * `run`, `ffi`, `sys` and `env` of any kind, `write` anywhere outside the
 * output roots (and to an output root a config chose outside its folder), `read` outside the experiment's folders (by real path: a
 * link inside pointing outside is outside), and `net` to every host or to
 * an address range. Empty when nothing does.
 *
 * @example
 * ```ts
 * import { permissionsToConfirm } from "./config_permissions.ts";
 * const asked = permissionsToConfirm({
 *   read: ["/exp"], write: ["/exp/.crystallize"],
 *   granted: { read: ["/exp/data"], net: ["api.example.com:443"], run: ["bash"] },
 * });
 * if (JSON.stringify(asked) !== '{"run":["bash"]}') throw new Error(JSON.stringify(asked));
 * ```
 */
export function permissionsToConfirm(
  target: Pick<ResolvedTarget, "read" | "write" | "granted" | "configRoots">,
): WorkerPermissions {
  const out: Record<string, true | string[]> = {};
  if (target.configRoots?.length) out.write = [...target.configRoots];
  for (const kind of PERMISSION_KINDS) {
    const value = target.granted[kind];
    if (value === undefined || value === false) continue;
    if (value === true) {
      out[kind] = true;
      continue;
    }
    const given = kind === "read" ? target.read : kind === "write" ? target.write : undefined;
    const beyond = value.map(String).filter((entry) =>
      kind === "net"
        // A range (`10.0.0.0/8`, `0.0.0.0/0`) is many hosts: not "the hosts it lists".
        ? entry.includes("/")
        : given === undefined || !given.some((f) => within(realPath(f), realPath(entry)))
    );
    if (beyond.length > 0) out[kind] = [...((out[kind] as string[] | undefined) ?? []), ...beyond];
  }
  return out;
}

/** Where `path` really leads (itself when it does not exist). */
function realPath(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * The permissions as the user reads them: `run: bash; env: all`.
 *
 * @example
 * ```ts
 * import { describePermissions } from "./config_permissions.ts";
 * if (describePermissions({ run: ["bash"], env: true }) !== "run: bash; env: all") throw new Error();
 * ```
 */
export function describePermissions(permissions: WorkerPermissions): string {
  return Object.entries(permissions)
    .map(([kind, value]) => `${kind}: ${value === true ? "all" : (value as string[]).join(", ")}`)
    .join("; ");
}

/**
 * Refuses to go on while config.yaml asks for permissions the user has not
 * confirmed: with `allow` (the flag) they are granted; otherwise `ask` (a
 * prompt on a terminal, when there is one) decides; without it, a
 * `CliError` (exit code 2) lists exactly what was asked and how to grant it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "./cli_error.ts";
 * import { confirmConfigPermissions } from "./config_permissions.ts";
 *
 * const target = {
 *   spec: { kind: "folder", folder: "/exp" } as const,
 *   read: ["/exp"],
 *   write: ["/exp/.crystallize"],
 *   granted: { run: ["bash"] },
 * };
 * await assert.rejects(confirmConfigPermissions(target, {}), CliError); // lists "run: bash"
 * await confirmConfigPermissions(target, { allow: true }); // --allow-config-permissions
 * await confirmConfigPermissions(target, { ask: () => Promise.resolve(true) }); // a "y"
 * ```
 */
export async function confirmConfigPermissions(
  target: Pick<ResolvedTarget, "read" | "write" | "granted" | "spec" | "configRoots">,
  options: { readonly allow?: boolean; readonly ask?: (question: string) => Promise<boolean> },
): Promise<void> {
  const asked = permissionsToConfirm(target);
  if (Object.keys(asked).length === 0 || options.allow) return;
  const where = target.spec.kind === "module" ? target.spec.url : target.spec.folder;
  const what = `config.yaml of ${where} asks for permissions beyond its own folders: ${
    describePermissions(asked)
  }`;
  if (options.ask !== undefined && await options.ask(`${what}. Grant them for this run? [y/N] `)) {
    return;
  }
  throw new CliError(
    `${what}. Experiment code gets them only when you confirm: repeat the command with ${CONFIRM_FLAG}` +
      " (or answer y at the prompt on a terminal), or remove them from config.yaml",
  );
}

/**
 * Asks a yes/no question on the terminal (stderr, so `--json` output stays
 * clean); `undefined` when stdin or stderr is not a terminal.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { terminalQuestion } from "./config_permissions.ts";
 *
 * // Under a test runner (or in CI) stdin is no terminal: there is nobody to ask.
 * if (!Deno.stdin.isTerminal()) assert.equal(terminalQuestion(), undefined);
 * ```
 */
export function terminalQuestion(): ((question: string) => Promise<boolean>) | undefined {
  if (!Deno.stdin.isTerminal() || !Deno.stderr.isTerminal()) return undefined;
  return async (question) => {
    await Deno.stderr.write(new TextEncoder().encode(question));
    const buf = new Uint8Array(256);
    const n = await Deno.stdin.read(buf);
    const answer = new TextDecoder().decode(buf.subarray(0, n ?? 0)).trim().toLowerCase();
    return answer === "y" || answer === "yes";
  };
}
