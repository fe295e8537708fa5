/**
 * What `Deno.permissions` calls system information, as `--allow-sys` and
 * `permissions: { sys: [...] }` take it.
 */
export const SYS_NAMES: readonly string[] = [
  "hostname",
  "osRelease",
  "osUptime",
  "loadavg",
  "networkInterfaces",
  "systemMemoryInfo",
  "uid",
  "gid",
  "cpus",
  "homedir",
  "getegid",
  "username",
  "statfs",
  "getPriority",
  "setPriority",
  "userInfo",
];

/** The forms a net permission takes, as messages show them. */
export const NET_FORMS =
  "hostname[:port] (a leading *. allows subdomains), IPv4[/bits][:port] or [IPv6][:port]";

const LABEL = /^[A-Za-z0-9_-]+$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/**
 * Why `value` cannot be one entry of a permission list of `kind` (a Deno
 * child process given it would refuse to start, printing a Rust backtrace),
 * or `undefined` when it can. Deliberately no looser than Deno 2.9:
 *
 * - `net`: {@linkcode NET_FORMS}; no scheme, path, spaces or non-ASCII
 *   letters (use the punycode form), ports 0 to 65535;
 * - `env`: a variable name: not empty, no `=`;
 * - `sys`: one of {@linkcode SYS_NAMES};
 * - `read`, `write`, `run`, `ffi`: not empty.
 *
 * No entry may contain NUL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { permissionValueProblem } from "./permission_values.ts";
 *
 * assert.equal(permissionValueProblem("net", "api.example.com:443"), undefined);
 * assert.equal(permissionValueProblem("net", "http://x/y"), "'http://x/y' is a URL: give the host (and port) only, e.g. x:443");
 * assert.match(permissionValueProblem("sys", "bogus") ?? "", /^'bogus' is not system information Deno knows/);
 * ```
 */
export function permissionValueProblem(kind: string, value: string): string | undefined {
  if (value.includes("\0")) return `${JSON.stringify(value)} contains NUL`;
  if (value.trim() === "") return "an entry is empty";
  switch (kind) {
    case "net":
      return netProblem(value);
    case "env":
      return value.includes("=")
        ? `'${value}' is not an environment variable name (it contains '=')`
        : undefined;
    case "sys":
      return SYS_NAMES.includes(value)
        ? undefined
        : `'${value}' is not system information Deno knows (${SYS_NAMES.join(", ")})`;
    default:
      return undefined;
  }
}

function netProblem(value: string): string | undefined {
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(value);
  if (scheme !== null) {
    return `'${value}' is a URL: give the host (and port) only, e.g. ${
      scheme[1] || "example.com"
    }:443`;
  }
  if (/\s/.test(value)) return `'${value}' contains a space`;
  let host = value;
  let port: string | undefined;
  if (value.startsWith("[")) {
    const end = value.indexOf("]");
    if (end < 0) return `'${value}' opens an IPv6 address with '[' but never closes it`;
    host = value.slice(0, end + 1);
    const rest = value.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return `'${value}' has '${rest}' after the address`;
    if (rest !== "") port = rest.slice(1);
    if (!isIpv6(host.slice(1, -1))) return `'${host}' is not an IPv6 address`;
  } else {
    const colons = value.split(":").length - 1;
    if (colons > 1) {
      return `'${value}' looks like an IPv6 address: write it in brackets, e.g. [::1]:8080`;
    }
    if (colons === 1) [host, port] = value.split(":");
    const problem = hostProblem(host);
    if (problem !== undefined) return `'${value}' ${problem}`;
  }
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) {
    return `'${value}' has port '${port}'; a port is a number from 0 to 65535`;
  }
  return undefined;
}

function hostProblem(host: string): string | undefined {
  if (host === "") return "has no host";
  const ip = IPV4.exec(host);
  if (ip !== null) {
    if (ip.slice(1, 5).some((part) => Number(part) > 255)) return "is not an IPv4 address";
    if (ip[5] !== undefined && Number(ip[5]) > 32) return "has a network prefix above /32";
    return undefined;
  }
  if (host.includes("/")) return "has a path or prefix ('/'), which only IPv4 networks take";
  const labels = (host.startsWith("*.") ? host.slice(2) : host).replace(/\.$/, "").split(".");
  if (labels.some((label) => label === "")) return "has an empty part between dots";
  const bad = labels.find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return `is not a host name ('${bad}' may only hold ASCII letters, digits, '-' and '_')`;
  }
  return undefined;
}

function isIpv6(address: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(address) || !address.includes(":")) return false;
  try {
    new URL(`http://[${address}]/`);
    return true;
  } catch {
    return false;
  }
}
