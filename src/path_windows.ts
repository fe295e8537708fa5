/**
 * Windows path strings, with `node:path`'s `win32` results: `\` and `/`
 * both separate, and a path may start with a drive (`C:` relative to that
 * drive's working directory, `C:\` absolute), a UNC share
 * (`\\server\share\`) or a separator (the root of the current drive).
 * @module
 */
import { collapseSegments, lastName, type PathFlavour } from "./path_flavour.ts";

const isSeparator = (c: string | undefined) => c === "\\" || c === "/";
const SEPARATORS = /[\\/]/;
const DRIVE = /^[A-Za-z]:/;
/** `\\server\share`: two separators, a server name, separators, a share name. */
const UNC = /^[\\/]{2}([^\\/]+)[\\/]+([^\\/]+)/;

/**
 * Device names Windows opens whatever the folder (`CON:x` is the console,
 * not a file), which `node:path` keeps from becoming part of a normal path.
 */
const RESERVED = new Set([
  "CON",
  "PRN",
  "AUX",
  "NUL",
  ..."123456789¹²³".split("").flatMap((n) => [`COM${n}`, `LPT${n}`]),
]);

/** Whether `name` is a reserved device name followed by a colon (`CON:`, `nul:x`). */
function isReserved(name: string): boolean {
  const colon = name.indexOf(":");
  return colon !== -1 && RESERVED.has(name.slice(0, colon).toUpperCase());
}

/**
 * Whether `normalize` prefixes `.\` to keep a device name from reading as
 * one: `CON:…`, and (as Node checks, taking the text before a colon that is
 * not there as all but the last character) a device name and one more
 * character, such as `NUL/` or `COM1a`.
 */
function startsReserved(path: string): boolean {
  return RESERVED.has(path.slice(0, path.indexOf(":")).toUpperCase());
}

/** Where a path's root ends, the device it names (a drive, share or reserved name) and whether it is absolute. */
interface Root {
  readonly end: number;
  readonly device: string | undefined;
  readonly absolute: boolean;
}

function rootOf(path: string): Root {
  if (isSeparator(path[0])) {
    const unc = UNC.exec(path);
    if (unc === null) return { end: 1, device: undefined, absolute: true };
    const [whole, server, share] = unc;
    // `\\.\` and `\\?\` lead into the device namespace: what follows is a path, not a share.
    if (server === "." || server === "?") {
      return { end: whole.length - share.length, device: `\\\\${server}`, absolute: true };
    }
    return { end: whole.length, device: `\\\\${server}\\${share}`, absolute: true };
  }
  if (DRIVE.test(path)) {
    const absolute = isSeparator(path[2]);
    return { end: absolute ? 3 : 2, device: path.slice(0, 2), absolute };
  }
  return { end: 0, device: undefined, absolute: false };
}

/**
 * The root `normalize` sees, where a reserved device name counts as a
 * device too: `CON:` first in a relative path, and after `\\.\` or `\\?\`
 * (which Node writes as `\\?\CON:\`).
 */
function normalizedRootOf(path: string): Root {
  const root = rootOf(path);
  const rest = path.slice(root.end);
  if (!isReserved(rest)) return root;
  const end = root.end + rest.indexOf(":") + 1;
  if (root.device === undefined && !root.absolute) {
    return { end, device: path.slice(0, end), absolute: false };
  }
  // Only right after the prefix's four characters: in `\\.\\CON:` (two separators) it is a name.
  if ((root.device === "\\\\." || root.device === "\\\\?") && root.end === 4) {
    return { end, device: `\\\\?\\${path.slice(root.end, end)}`, absolute: true };
  }
  return root;
}

/**
 * Whether a relative path without a device would read as one once
 * normalized: its result starts with a drive (`x/../c:d`), or a colon ends
 * a segment (`a:\b`, `ab:`). Node then prefixes `.\`.
 */
function looksRooted(path: string, normalized: string): boolean {
  if (!path.includes(":")) return false;
  return DRIVE.test(normalized) || /:(?:[\\/]|$)/.test(path);
}

function normalize(path: string): string {
  if (path === "") return ".";
  // Node returns a single character as it is (`:` too), a separator as `\`.
  if (path.length === 1) return isSeparator(path) ? "\\" : path;
  const { end, device, absolute } = normalizedRootOf(path);
  let tail = collapseSegments(path.slice(end).split(SEPARATORS), !absolute).join("\\");
  if (tail === "" && !absolute) tail = ".";
  if (tail !== "" && isSeparator(path.at(-1))) tail += "\\";
  if (!absolute && device === undefined && looksRooted(path, tail)) return `.\\${tail}`;
  if (startsReserved(path)) return `.\\${device ?? ""}${tail}`;
  return `${device ?? ""}${absolute ? "\\" : ""}${tail}`;
}

function join(...paths: string[]): string {
  const parts = paths.filter((p) => p !== "");
  if (parts.length === 0) return ".";
  let joined = parts.join("\\");
  // Only a first part that is a UNC root itself starts a UNC path: `join("\\", "\\server")`
  // must not make one of two parts, so longer runs of leading separators become one.
  if (!/^[\\/]{2}[^\\/]/.test(parts[0])) joined = joined.replace(/^[\\/]{2,}/, "\\");
  // Node does not normalize a path with a reserved device name in it, lest `..` reach it.
  if (joined.split(SEPARATORS).some(isReserved)) return joined.replaceAll("/", "\\");
  return normalize(joined);
}

function dirname(path: string): string {
  if (path.length <= 1) return isSeparator(path) ? path : ".";
  const unc = UNC.exec(path);
  if (unc !== null && unc[0].length === path.length) return path;
  // The root a parent cannot go above: `\`, `\\server\share\`, `C:` or `C:\`.
  let root = -1;
  if (unc !== null) root = unc[0].length + 1;
  else if (isSeparator(path[0])) root = 1;
  else if (DRIVE.test(path)) root = isSeparator(path[2]) ? 3 : 2;
  let end = path.length - 1;
  while (end >= Math.max(root, 0) && isSeparator(path[end])) end--;
  while (end >= Math.max(root, 0) && !isSeparator(path[end])) end--;
  if (end < Math.max(root, 0)) return root === -1 ? "." : path.slice(0, root);
  return path.slice(0, end);
}

function isAbsolute(path: string): boolean {
  return isSeparator(path[0]) || (DRIVE.test(path) && isSeparator(path[2]));
}

/**
 * The working directory for the drive `device` names, as Node takes it
 * without the `=C:` variables of `cmd.exe` (reading them needs env
 * permission): `cwd()` unless it is on another drive, else the drive's root.
 */
function cwdOf(cwd: () => string, device: string): string {
  const dir = cwd();
  if (device === "") return dir;
  const otherDrive = dir.slice(0, 2).toLowerCase() !== device.toLowerCase() && dir[2] === "\\";
  return otherDrive ? `${device}\\` : dir;
}

function resolveWith(cwd: () => string, ...paths: string[]): string {
  let device = "";
  let tail = "";
  let absolute = false;
  // Right to left until a path gives both a device and a root; one on another device is skipped.
  for (let i = paths.length - 1; i >= -1 && !(absolute && device !== ""); i--) {
    const path = i >= 0 ? paths[i] : cwdOf(cwd, device);
    if (path === "") continue;
    const root = rootOf(path);
    const rootDevice = root.device ?? "";
    if (rootDevice !== "" && device !== "" && rootDevice.toLowerCase() !== device.toLowerCase()) {
      continue;
    }
    if (device === "") device = rootDevice;
    if (absolute) continue;
    tail = `${path.slice(root.end)}\\${tail}`;
    absolute = root.absolute;
  }
  const normalized = collapseSegments(tail.split(SEPARATORS), !absolute).join("\\");
  return absolute ? `${device}\\${normalized}` : `${device}${normalized}` || ".";
}

function relativeWith(cwd: () => string, from: string, to: string): string {
  const fromPath = resolveWith(cwd, from), toPath = resolveWith(cwd, to);
  if (fromPath.toLowerCase() === toPath.toLowerCase()) return "";
  const names = (path: string) => path.split("\\").filter((s) => s !== "");
  const fromNames = names(fromPath), toNames = names(toPath);
  let common = 0;
  while (
    common < fromNames.length && common < toNames.length &&
    fromNames[common].toLowerCase() === toNames[common].toLowerCase()
  ) common++;
  // Nothing in common, not even the drive or server: there is no way from one to the other.
  if (common === 0) return toPath;
  const up = fromNames.slice(common).map(() => "..");
  return [...up, ...toNames.slice(common)].join("\\");
}

/**
 * The Windows flavour (`node:path`'s `win32`), on every system: the one
 * `path.ts` uses on Windows, and testable anywhere.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { windowsPath } from "./path_windows.ts";
 *
 * assert.equal(windowsPath.join("C:\\a", "b/c", ".."), "C:\\a\\b");
 * assert.equal(windowsPath.join("\\\\server\\share", "x"), "\\\\server\\share\\x");
 * assert.equal(windowsPath.isAbsolute("C:foo"), false);
 * assert.equal(windowsPath.resolveWith(() => "C:\\work", "x", "..\\y"), "C:\\work\\y");
 * ```
 */
export const windowsPath: PathFlavour = Object.freeze({
  sep: "\\",
  delimiter: ";",
  join,
  dirname,
  basename: (path: string, suffix?: string) =>
    lastName(path, suffix, DRIVE.test(path) ? 2 : 0, isSeparator),
  isAbsolute,
  normalize,
  resolveWith,
  relativeWith,
});
