/**
 * File URLs of paths and back, as `node:url`'s `pathToFileURL` and
 * `fileURLToPath` make and read them, without loading `node:url`: its Node
 * polyfill costs a process a few milliseconds of start-up, and the CLI needs
 * these before it can start its runner.
 * @module
 */
import { resolvePath } from "./resolve_path.ts";

const WINDOWS = Deno.build.os === "windows";

/**
 * What `pathToFileURL` percent-encodes itself: what the URL parser would
 * take for syntax or drop, and (as Deno's `node:url` does) `[]^|~`, so the
 * URLs are the same strings as those it makes.
 */
const SPECIAL: Readonly<Record<string, string>> = {
  "%": "%25",
  "\\": "%5C",
  "\n": "%0A",
  "\r": "%0D",
  "\t": "%09",
  "?": "%3F",
  "#": "%23",
  "[": "%5B",
  "]": "%5D",
  "^": "%5E",
  "|": "%7C",
  "~": "%7E",
};

/** The characters encoded: all of {@linkcode SPECIAL}, but on Windows `\\` is a separator. */
const ENCODED = /[%\\\n\r\t?#[\]^|~]/g;
const ENCODED_ON_WINDOWS = /[%\n\r\t?#[\]^|~]/g;

/**
 * The `file:` URL of a path (resolved against the working directory when
 * relative; a trailing separator is kept).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileUrlOf } from "./file_url.ts";
 *
 * assert.equal(fileUrlOf("/exp/my data#1.ts").href, "file:///exp/my%20data%231.ts");
 * assert.equal(fileUrlOf("/lib/").href, "file:///lib/");
 * ```
 */
export function fileUrlOf(path: string): URL {
  let resolved = resolvePath(path);
  const last = path.at(-1);
  if ((last === "/" || (WINDOWS && last === "\\")) && !/[\\/]$/.test(resolved)) resolved += "/";
  if (!WINDOWS) return new URL(`file://${encodePath(resolved, ENCODED)}`);
  // `\\server\share\x` names a host; `C:\x` is a path below the empty one.
  const unc = /^\\\\([^\\]+)(\\.*)?$/.exec(resolved);
  const url = new URL("file://");
  if (unc !== null) {
    url.hostname = unc[1];
    url.pathname = encodePath((unc[2] ?? "\\").replaceAll("\\", "/"), ENCODED_ON_WINDOWS);
    return url;
  }
  return new URL(`file:///${encodePath(resolved.replaceAll("\\", "/"), ENCODED_ON_WINDOWS)}`);
}

/**
 * The path of a `file:` URL. Throws a `TypeError` for another scheme, a
 * host (outside Windows), an encoded separator or (on Windows) a path
 * without a drive letter.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pathOfFileUrl } from "./file_url.ts";
 *
 * assert.equal(pathOfFileUrl("file:///exp/my%20data%231.ts"), "/exp/my data#1.ts");
 * assert.throws(() => pathOfFileUrl("https://example.com/x.ts"), TypeError);
 * ```
 */
export function pathOfFileUrl(url: string | URL): string {
  const parsed = typeof url === "string" ? new URL(url) : url;
  if (parsed.protocol !== "file:") throw new TypeError(`The URL must be of scheme file: ${url}`);
  const { hostname, pathname } = parsed;
  if (/%2f/i.test(pathname) || (WINDOWS && /%5c/i.test(pathname))) {
    throw new TypeError(`File URL path must not include encoded separators: ${url}`);
  }
  if (!WINDOWS) {
    if (hostname !== "") throw new TypeError(`File URL host must be empty: ${url}`);
    return decodeURIComponent(pathname);
  }
  const path = decodeURIComponent(pathname.replaceAll("/", "\\"));
  if (hostname !== "") return `\\\\${hostname}${path}`;
  if (!/^\\[A-Za-z]:/.test(path)) throw new TypeError(`File URL path must be absolute: ${url}`);
  return path.slice(1);
}

function encodePath(path: string, encoded: RegExp): string {
  return path.replace(encoded, (c) => SPECIAL[c]);
}
