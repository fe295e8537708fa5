/**
 * The files a queue run ships come from the experiment's module graph,
 * read with `deno info` once and again only when one of its files changed:
 * an edited module, a new import, and a missing file that appears are all
 * seen by the next run of the same experiment.
 */
import assert from "node:assert/strict";
import { importedFiles } from "../src/execution/queue/module_graph.ts";

Deno.test("module graph: read again once a file in it changes, an import is added, or a missing import appears", async () => {
  const dir = await Deno.realPath(await Deno.makeTempDir());
  try {
    const main = `${dir}/main.ts`;
    const files = async () =>
      (await importedFiles([`file://${main}`], ["--no-config"])).map((f) => f.path).sort();
    await Deno.writeTextFile(`${dir}/a.ts`, "export const a = 1;");
    await Deno.writeTextFile(main, 'import "./a.ts";');
    assert.deepEqual(await files(), [`${dir}/a.ts`, main]);
    assert.deepEqual(await files(), [`${dir}/a.ts`, main], "unchanged: the same graph");

    await Deno.writeTextFile(`${dir}/b.ts`, "export const b = 1;");
    await Deno.writeTextFile(`${dir}/a.ts`, 'import "./b.ts";\nexport const a = 1;');
    assert.deepEqual(
      await files(),
      [`${dir}/a.ts`, `${dir}/b.ts`, main],
      "an imported file edited",
    );

    await Deno.writeTextFile(main, 'import "./a.ts";\nimport "./c.ts";');
    assert.deepEqual(await files(), [`${dir}/a.ts`, `${dir}/b.ts`, main], "c.ts is missing");
    await Deno.writeTextFile(`${dir}/c.ts`, "export const c = 1;");
    assert.deepEqual(
      await files(),
      [`${dir}/a.ts`, `${dir}/b.ts`, `${dir}/c.ts`, main],
      "the missing import appeared",
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
