/**
 * src/path.ts against node:path: each flavour's functions give `posix`'s
 * and `win32`'s results, on a table of path shapes and on seeded random
 * paths. Resolving compares with a working directory passed to both
 * (node's `resolve(cwd, ...paths)`); the few Windows cases whose answer
 * needs another drive's working directory (node reads `process.env["=D:"]`
 * then, which these tests may not) quote node's Windows result instead.
 */
import assert from "node:assert/strict";
import { posix, win32 } from "node:path";
import * as hostModule from "../src/path.ts";
import { hostPath, type PathFlavour, posixPath, windowsPath } from "../src/path.ts";
import { seededRandom as random } from "./seeded_random.ts";

type NodeFlavour = typeof posix;

const POSIX_PATHS = [
  "",
  ".",
  "..",
  "...",
  "/",
  "//",
  "///",
  "a",
  "a/",
  "a//",
  "/a",
  "/a/",
  "//a",
  "//a/b",
  "///a///b///",
  "a/b",
  "a/b/",
  "a//b",
  "a/./b",
  "a/../b",
  "a/b/../..",
  "a/b/../../..",
  "../a",
  "../../a/..",
  "/..",
  "/../a",
  "/a/../..",
  "/a/b/../../../c",
  "/a/b/c/../../../../d/",
  "./a",
  "./",
  ".//",
  "a/.",
  "a/..",
  "/a/b/c.d",
  "/a/b/.c",
  "/a/b/c.",
  "a.b.c",
  ".hidden",
  "..a",
  "a..",
  "/.../a",
  "a\\b",
  "C:\\x",
  " ",
  "/ a /",
  "a/b//../c/./d",
  "x.ts",
  "/dir/x.ts",
  "dir/x.ts/",
  "ts",
  ".ts",
  "/.ts",
  "/a/b.ts//",
];

const WINDOWS_PATHS = [
  "",
  ".",
  "..",
  "\\",
  "/",
  "\\\\",
  "//",
  "\\\\\\",
  "a",
  "a\\",
  "a/",
  "a\\\\b",
  "a/b\\c",
  "a\\.\\b",
  "a\\..\\b",
  "a\\b\\..\\..",
  "a\\b\\..\\..\\..",
  "..\\a",
  "\\..",
  "\\..\\a",
  "\\a\\..\\..",
  "C:",
  "c:",
  "C:\\",
  "C:/",
  "C:\\\\",
  "C:.",
  "C:..",
  "C:foo",
  "C:foo\\bar",
  "C:..\\foo",
  "C:\\foo",
  "C:/foo/",
  "C:\\foo\\..\\..",
  "C:\\..\\..\\x",
  "C:\\a\\b\\c.d",
  "c:/A/B/",
  "\\foo",
  "/foo/bar",
  "\\\\server",
  "\\\\server\\",
  "\\\\server\\share",
  "\\\\server\\share\\",
  "\\\\server\\share\\x",
  "//server/share/x/",
  "\\\\server\\\\share\\x",
  "\\\\server\\share\\..\\..\\x",
  "\\/server\\share",
  "\\\\\\server\\share",
  "\\\\.\\pipe\\x",
  "\\\\?\\C:\\x\\..",
  "\\\\.\\C:",
  "\\\\.\\CON:",
  "1:\\x",
  ":",
  "a\\b:c",
  "x/../c:d",
  "ab:\\c",
  "CON",
  "CON:",
  "con:x",
  "NUL\\",
  "x\\CON:",
  "a b\\c.d\\",
  "C:\\a b\\.\\c",
  ".hidden",
  "x.ts",
  "C:x.ts",
  "dir\\x.ts\\",
  "C:\\dir/x.ts",
];

/** Paths naming a drive other than C: relatively: resolving them needs that drive's directory. */
const OTHER_DRIVE_RELATIVE = ["a:b", "x:y:z", "D:", "D:x", "d:..\\y"];

interface Case {
  readonly name: string;
  readonly paths: readonly string[];
  readonly node: NodeFlavour;
  readonly mine: PathFlavour;
}

const CASES: readonly Case[] = [
  { name: "posix", paths: POSIX_PATHS, node: posix, mine: posixPath },
  {
    name: "windows",
    paths: [...WINDOWS_PATHS, ...OTHER_DRIVE_RELATIVE],
    node: win32,
    mine: windowsPath,
  },
];

/** Each argument list's result from both, compared one by one with the arguments in the message. */
function same<A extends unknown[]>(
  args: readonly A[],
  node: (...a: A) => unknown,
  mine: (...a: A) => unknown,
): void {
  for (const a of args) assert.deepEqual(mine(...a), node(...a), JSON.stringify(a));
}

/** The suffixes `basename` is asked about for `path`: its name, extension, longer and shorter ones. */
function suffixesOf(path: string, node: NodeFlavour): string[] {
  const name = node.basename(path);
  const dot = name.lastIndexOf(".");
  return [name, dot === -1 ? ".x" : name.slice(dot), path, `x${name}`, name.slice(1), "/", "\\"];
}

for (const { name, paths, node, mine } of CASES) {
  const single = paths.map((p) => [p] as [string]);

  Deno.test(`${name}Path: sep and delimiter are node:path's`, () => {
    assert.equal(mine.sep, node.sep);
    assert.equal(mine.delimiter, node.delimiter);
  });

  Deno.test(`${name}Path: normalize, dirname, basename and isAbsolute give node:path's results`, () => {
    assert.ok(paths.length >= 50);
    same(single, node.normalize, mine.normalize);
    same(single, node.dirname, mine.dirname);
    same(single, node.basename, mine.basename);
    same(single, node.isAbsolute, mine.isAbsolute);
  });

  Deno.test(`${name}Path: basename with a suffix: the name's, its extension, longer, shorter, the whole path`, () => {
    const pairs = paths.flatMap((p) => suffixesOf(p, node).map((s) => [p, s] as [string, string]));
    same(pairs, node.basename, mine.basename);
  });

  Deno.test(`${name}Path: join of none, one, two and three parts gives node:path's results`, () => {
    const parts = paths.filter((_, i) => i % 3 === 0);
    const lists: string[][] = [[], [""], ["", ""], ...single];
    for (const a of parts) for (const b of paths) lists.push([a, b]);
    for (const a of parts) for (const b of parts) lists.push([a, "x", b]);
    same(lists, node.join, mine.join);
  });
}

Deno.test("windowsPath: join keeps a UNC root only when its first part is one, and device names as they are", () => {
  const lists = [
    ["\\\\server", "share"],
    ["\\\\server\\share", "..", "x"],
    ["\\\\", "server", "share"],
    ["\\", "\\server", "share"],
    ["//", "/server/share"],
    ["\\\\\\server", "share"],
    ["C:", "foo"],
    ["C:\\", "..", "x"],
    ["a", "C:b"],
    ["x", "CON:"],
    ["x", "\\CON:"],
    ["x", "CON:/a/../b"],
    ["x", "\\\\.\\", "y"],
    ["\\\\.", "..", "b\\"],
    ["a", "..", "c:d"],
  ];
  same(lists, win32.join, windowsPath.join);
});

const POSIX_CWD = "/home/me/work";
const WINDOWS_CWD = "C:\\Users\\me\\work";

Deno.test("posixPath: resolveWith and relativeWith give node:path's results for a given working directory", () => {
  const cwd = () => POSIX_CWD;
  const lists: string[][] = [[], [""], ...POSIX_PATHS.map((p) => [p])];
  for (const a of POSIX_PATHS.filter((_, i) => i % 3 === 0)) {
    for (const b of POSIX_PATHS) lists.push([a, b]);
  }
  for (const paths of lists) {
    assert.equal(
      posixPath.resolveWith(cwd, ...paths),
      posix.resolve(POSIX_CWD, ...paths),
      JSON.stringify(paths),
    );
  }
  for (const from of POSIX_PATHS) {
    for (const to of POSIX_PATHS.filter((_, i) => i % 2 === 0)) {
      const expected = posix.relative(posix.resolve(POSIX_CWD, from), posix.resolve(POSIX_CWD, to));
      assert.equal(posixPath.relativeWith(cwd, from, to), expected, `${from} → ${to}`);
    }
  }
});

Deno.test("windowsPath: resolveWith gives node:path's results for a given working directory on drive C:", () => {
  const cwd = () => WINDOWS_CWD;
  const lists: string[][] = [[], [""], ...WINDOWS_PATHS.map((p) => [p])];
  for (const a of WINDOWS_PATHS.filter((_, i) => i % 3 === 0)) {
    for (const b of WINDOWS_PATHS) lists.push([a, b]);
  }
  lists.push(["D:\\x", "y"], ["d:\\x", "D:y"], ["a:b", "C:\\x"], ["D:\\", "..", "d:.."]);
  for (const paths of lists) {
    const expected = win32.resolve(WINDOWS_CWD, ...paths);
    assert.equal(windowsPath.resolveWith(cwd, ...paths), expected, JSON.stringify(paths));
  }
});

Deno.test("windowsPath: a path relative to another drive resolves from that drive's root (node on Windows, without =D: set)", () => {
  const cwd = () => WINDOWS_CWD;
  const quoted: [string[], string][] = [
    [["D:"], "D:\\"],
    [["D:x"], "D:\\x"],
    [["a:b"], "a:\\b"],
    [["d:..\\y"], "d:\\y"],
    [["C:\\w", "D:y", "z"], "D:\\y\\z"],
    [["D:", ".."], "D:\\"],
    [["x:y:z"], "x:\\y:z"],
  ];
  for (const [paths, expected] of quoted) {
    assert.equal(windowsPath.resolveWith(cwd, ...paths), expected, JSON.stringify(paths));
  }
  // The working directory counts when it is on the drive named (in any case).
  assert.equal(windowsPath.resolveWith(() => "d:\\there", "D:x"), "D:\\there\\x");
  assert.equal(windowsPath.relativeWith(cwd, "C:\\a", "D:b"), "D:\\b");
});

Deno.test("windowsPath: relativeWith gives node:path's results, ignoring case, across drives and shares", () => {
  const cwd = () => WINDOWS_CWD;
  const paths = [
    ...WINDOWS_PATHS,
    "C:\\USERS\\ME\\WORK\\x",
    "C:\\Users\\me\\work\\X\\y",
    "c:\\users",
    "D:\\x\\y",
    "d:\\X",
    "\\\\other\\share\\x",
    "\\\\SERVER\\SHARE\\x\\y",
  ];
  let compared = 0;
  for (const from of paths) {
    for (const to of paths) {
      const [a, b] = [win32.resolve(WINDOWS_CWD, from), win32.resolve(WINDOWS_CWD, to)];
      // node:path's relative resolves again with the process's own directory: only where that
      // changes nothing (`\\.\` alone becomes a rooted path without a drive on a second pass).
      if (win32.resolve(WINDOWS_CWD, a) !== a || win32.resolve(WINDOWS_CWD, b) !== b) continue;
      assert.equal(
        windowsPath.relativeWith(cwd, from, to),
        win32.relative(a, b),
        `${from} → ${to}`,
      );
      compared++;
    }
  }
  assert.ok(compared > 5000, `${compared}`);
});

Deno.test("resolveWith reads the working directory only when no path is absolute (with a drive, on Windows)", () => {
  const none = () => {
    throw new Error("the working directory was read");
  };
  assert.equal(posixPath.resolveWith(none, "x", "/a", "b"), "/a/b");
  assert.equal(posixPath.relativeWith(none, "/a/b", "/a/c"), "../c");
  assert.throws(() => posixPath.resolveWith(none, "x"), /was read/);
  assert.equal(windowsPath.resolveWith(none, "x", "C:\\a", "b"), "C:\\a\\b");
  assert.equal(windowsPath.resolveWith(none, "\\\\server\\share", "b"), "\\\\server\\share\\b");
  assert.throws(() => windowsPath.resolveWith(none, "\\a"), /was read/);
  assert.throws(() => windowsPath.resolveWith(none, "C:a"), /was read/);
});

/** Random paths of up to five pieces, from pieces that make the shapes both flavours care about. */
function randomPaths(pieces: readonly string[], count: number, seed: number): string[] {
  const next = random(seed);
  return Array.from({ length: count }, () => {
    const n = Math.floor(next() * 6);
    return Array.from({ length: n }, () => pieces[Math.floor(next() * pieces.length)]).join("");
  });
}

const POSIX_PIECES = ["a", "B", "..", ".", "/", "//", "x.ts", ".ts", "ts", " ", "\\", ":"];
/** No `:` alone and no drive but C: (a path relative to drive D: needs D:'s directory). */
const WINDOWS_PIECES = [
  ...["a", "B", "..", ".", "\\", "/", "\\\\", "C:", "c:", "x.ts", ".ts", "ts", " "],
  ...["CON", "con:", "COM1", "LPT0", "\\\\srv\\sh", "//s/h", "?", "\\\\.", "//?/"],
];

Deno.test("posixPath and windowsPath match node:path on 3000 seeded random paths each", () => {
  for (
    const { node, mine, pieces } of [
      { node: posix, mine: posixPath, pieces: POSIX_PIECES },
      { node: win32, mine: windowsPath, pieces: WINDOWS_PIECES },
    ]
  ) {
    const cwd = node === posix ? POSIX_CWD : WINDOWS_CWD;
    const paths = randomPaths(pieces, 3000, 7);
    const others = randomPaths(pieces, 3000, 8);
    paths.forEach((p, i) => {
      const q = others[i];
      const args = JSON.stringify([p, q]);
      assert.equal(mine.normalize(p), node.normalize(p), args);
      assert.equal(mine.dirname(p), node.dirname(p), args);
      assert.equal(mine.basename(p, q), node.basename(p, q), args);
      assert.equal(mine.isAbsolute(p), node.isAbsolute(p), args);
      assert.equal(mine.join(p, q), node.join(p, q), args);
      assert.equal(mine.resolveWith(() => cwd, p, q), node.resolve(cwd, p, q), args);
    });
  }
});

Deno.test("path.ts: the module's functions are the running system's flavour", () => {
  const expected = Deno.build.os === "windows" ? windowsPath : posixPath;
  assert.equal(hostPath, expected);
  for (const key of ["join", "dirname", "basename", "isAbsolute", "normalize"] as const) {
    assert.equal(hostModule[key], expected[key], key);
  }
  assert.equal(hostModule.sep, expected.sep);
  assert.equal(hostModule.delimiter, expected.delimiter);
});
