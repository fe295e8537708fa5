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
