import assert from "node:assert/strict";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fileUrlOf, pathOfFileUrl } from "../src/file_url.ts";

const PATHS = [
  "/",
  "/exp/steps.ts",
  "/exp/folder/",
  "/exp//double//slashes",
  "/exp/with space and %20 percent.ts",
  "/exp/hash#and?question.ts",
  "/exp/back\\slash",
  "/exp/new\nline\rand\ttab",
  "/exp/ünïcødé/日本語/😀.ts",
  "/exp/'quotes\"and`ticks`",
  "/exp/;,=&$+@!~*()[]{}|^<>",
  "/exp/./dots/../up",
  "relative/module.ts",
  "./here/",
  "",
];

Deno.test("fileUrlOf: the URL node:url's pathToFileURL makes, for every kind of path", () => {
  for (const path of PATHS) {
    assert.equal(fileUrlOf(path).href, pathToFileURL(path).href, JSON.stringify(path));
  }
  // Every UTF-16 code unit (lone surrogates too) in a file name.
  for (let code = 1; code < 0x10000; code++) {
    const path = `/exp/a${String.fromCharCode(code)}b`;
    if (fileUrlOf(path).href !== pathToFileURL(path).href) {
      assert.equal(fileUrlOf(path).href, pathToFileURL(path).href, `U+${code.toString(16)}`);
    }
  }
});

Deno.test("pathOfFileUrl: the path node:url's fileURLToPath reads, and back to the same path", () => {
  for (const path of PATHS.filter((p) => p.startsWith("/"))) {
    const url = pathToFileURL(path);
    assert.equal(pathOfFileUrl(url), fileURLToPath(url), JSON.stringify(path));
    assert.equal(pathOfFileUrl(url.href), fileURLToPath(url.href), JSON.stringify(path));
  }
  for (const href of ["file:///a%20b/%C3%BC", "file://localhost/etc/x", "file:///a/%25/b"]) {
    assert.equal(pathOfFileUrl(href), fileURLToPath(href), href);
  }
});

Deno.test("pathOfFileUrl: refuses what fileURLToPath refuses, with a TypeError naming the URL", () => {
  for (
    const href of [
      "https://example.com/x.ts",
      "file://server/share/x",
      "file:///a%2Fb",
      "file:///a%2fb",
    ]
  ) {
    assert.throws(() => fileURLToPath(href), TypeError, href);
    assert.throws(
      () => pathOfFileUrl(href),
      (e) => e instanceof TypeError && e.message.includes(href),
    );
  }
});
