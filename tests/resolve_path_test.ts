import assert from "node:assert/strict";
import { relative, resolve } from "node:path";
import { relativePath, resolvePath } from "../src/resolve_path.ts";

const SEGMENTS: string[][] = [
  ["x"],
  ["x/", "y/"],
  ["./a/../b"],
  [""],
  ["."],
  [".."],
  ["/"],
  ["/a/b", "../c/"],
  ["a", "/b", "c"],
  ["/a", "", "b//c/."],
  ["a", "b", "../../.."],
  ["../../../../.."],
  ["/a/b", "..", "..", "..", "c"],
  ["a//b/", "./c/", "//d"],
  ["", ""],
  [],
];

Deno.test("resolvePath gives node:path's resolve for relative, absolute, empty and climbing segments", () => {
  for (const paths of SEGMENTS) {
    assert.equal(resolvePath(...paths), resolve(...paths), JSON.stringify(paths));
  }
});

Deno.test("relativePath gives node:path's relative, from and to the working directory too", () => {
  const pairs: [string, string][] = [
    [".", "x/y"],
    ["x/y", "."],
    ["/a/b", "/a/c/d"],
    ["/a", "/a"],
    ["a", "/"],
    ["../q", "r"],
  ];
  for (const [from, to] of pairs) {
    assert.equal(relativePath(from, to), relative(from, to), `${from} → ${to}`);
  }
});

Deno.test({
  name:
    "resolvePath and relativePath read no working directory for absolute paths: they work where it was removed",
  ignore: Deno.build.os === "windows", // Windows does not remove a process's working directory
  fn: () => {
    const home = Deno.cwd();
    const gone = Deno.makeTempDirSync();
    Deno.chdir(gone);
    Deno.removeSync(gone);
    try {
      assert.equal(resolvePath("x", "/a", "b/../c"), "/a/c");
      assert.equal(relativePath("/a/b", "/a/c/d"), "../c/d");
      assert.throws(() => resolvePath("x"), Deno.errors.NotFound);
    } finally {
      Deno.chdir(home);
    }
  },
});
