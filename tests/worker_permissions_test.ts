/** The `deno run` permission flags of worker processes. */
import assert from "node:assert/strict";
import { permissionFlags } from "../src/execution/worker/permissions.ts";

Deno.test("permissionFlags: read and write lists, extras, nothing else", () => {
  assert.deepEqual(
    permissionFlags(["/exp"], ["/exp/.crystallize"], { net: ["127.0.0.1:8080"], env: true }),
    [
      "--no-prompt",
      "--allow-read=/exp",
      "--allow-write=/exp/.crystallize",
      "--allow-net=127.0.0.1:8080",
      "--allow-env",
    ],
  );
});

Deno.test("permissionFlags: a path inside another listed path is left out (same grant, stable flags)", () => {
  const run = (version: number) =>
    permissionFlags(
      ["/exp", "/exp/.crystallize", `/exp/.crystallize/demo/v${version}`, "/exp2", "/exp"],
      ["/exp/.crystallize", `/exp/.crystallize/demo/v${version}`, "/exp/.crystallize-other"],
    );
  assert.deepEqual(run(3), [
    "--no-prompt",
    "--allow-read=/exp,/exp2",
    "--allow-write=/exp/.crystallize,/exp/.crystallize-other",
  ]);
  assert.deepEqual(run(4), run(3), "the version folder of a stored run does not change the flags");
  assert.deepEqual(permissionFlags(["/", "/etc"], []), ["--no-prompt", "--allow-read=/"]);
});
