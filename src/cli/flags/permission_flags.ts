import { permissionValueProblem } from "../../execution/permission_values.ts";
import { CliError } from "../cli_error.ts";
import { PERMISSION_KINDS, type PermissionKind } from "../sandbox.ts";

/** `--allow-<kind>` option values as commander parses them (`true` for a bare flag). */
export type PermissionFlagValues = Readonly<
  Partial<Record<`allow${Capitalize<PermissionKind>}`, string | boolean>>
>;

/** A valid example of each flag, for messages. */
const EXAMPLES: Readonly<Record<PermissionKind, string>> = {
  read: "--allow-read=./data,/etc/hostname",
  write: "--allow-write=./out",
  net: "--allow-net=api.example.com:443,127.0.0.1:8080",
  env: "--allow-env=API_TOKEN,HOME",
  sys: "--allow-sys=hostname,osRelease",
  run: "--allow-run=git",
  ffi: "--allow-ffi=./lib/libdemo.so",
};

/**
 * Why the `--allow-*` values cannot be given to a Deno sandbox, or
 * `undefined` when they can: every comma-separated entry must be a valid
 * descriptor of its kind (see `permissionValueProblem`: hosts for
 * `--allow-net`, variable names for `--allow-env`, ...), and `--allow-x=`
 * with nothing after `=` is refused rather than read as "allow all". Deno
 * itself would refuse such a value only when the runner starts, with a
 * Rust backtrace.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { permissionFlagsProblem } from "./permission_flags.ts";
 *
 * assert.equal(permissionFlagsProblem({ allowNet: "api.example.com:443" }), undefined);
 * assert.match(
 *   permissionFlagsProblem({ allowNet: "http://x/y" }) ?? "",
 *   /^--allow-net=http:\/\/x\/y: 'http:\/\/x\/y' is a URL: give the host \(and port\) only/,
 * );
 * ```
 */
export function permissionFlagsProblem(options: PermissionFlagValues): string | undefined {
  for (const kind of PERMISSION_KINDS) {
    const key = `allow${kind[0].toUpperCase()}${kind.slice(1)}` as keyof PermissionFlagValues;
    const value = options[key];
    if (typeof value !== "string") continue;
    const flag = `--allow-${kind}`;
    if (value.trim() === "") {
      return `${flag}= has an empty list: write ${flag} alone to allow everything, or list what ` +
        `to allow, e.g. ${EXAMPLES[kind]}`;
    }
    for (const entry of value.split(",").map((v) => v.trim()).filter((v) => v !== "")) {
      const problem = permissionValueProblem(kind, entry);
      if (problem !== undefined) {
        return `${flag}=${value}: ${problem}; ${flag} takes a comma-separated list, e.g. ${
          EXAMPLES[kind]
        }`;
      }
    }
  }
  return undefined;
}

/**
 * Throws a `CliError` (exit code 2) with {@linkcode permissionFlagsProblem}'s
 * message when the `--allow-*` values are not valid.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { CliError } from "../cli_error.ts";
 * import { checkPermissionFlags } from "./permission_flags.ts";
 *
 * checkPermissionFlags({ allowRead: "./data" }); // before the sandbox is built
 * assert.throws(() => checkPermissionFlags({ allowNet: "" }), CliError); // --allow-net= with nothing after =
 * ```
 */
export function checkPermissionFlags(options: PermissionFlagValues): void {
  const problem = permissionFlagsProblem(options);
  if (problem !== undefined) throw new CliError(problem);
}
