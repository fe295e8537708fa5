/**
 * The precompiled config validator (src/config/schema_validator.ts) is what
 * ajv makes of schema/config.schema.json today, and judges documents exactly
 * as the compiled schema does.
 */
import assert from "node:assert/strict";
import type { ValidateFunction } from "npm:ajv@8.20.0";
import {
  SCHEMA_FILE,
  schemaCompiler,
  VALIDATOR_FILE,
  validatorModule,
} from "../src/config/schema_codegen.ts";
import { validate } from "../src/config/schema_validator.ts";
import { parseYaml } from "../src/config/yaml_parse.ts";

Deno.test("schema validator: the committed module is generated from schema/config.schema.json", async () => {
  assert.ok(
    (await Deno.readTextFile(VALIDATOR_FILE)) === validatorModule(),
    "src/config/schema_validator.ts is stale: run `deno task schema:validator` and commit it",
  );
});

Deno.test("schema validator: a changed schema makes another module", () => {
  const schema = JSON.parse(Deno.readTextFileSync(SCHEMA_FILE));
  schema.properties.replicates.maximum = 7;
  const changed = validatorModule(JSON.stringify(schema));
  assert.notEqual(changed, validatorModule());
  assert.match(changed, /7/);
});

/** Documents valid and invalid in every way the schema checks, names at the length limit included. */
const DOCUMENTS = [
  ...["folder_experiment", "dag/producer", "dag/consumer"].map((folder) =>
    Deno.readTextFileSync(new URL(`../examples/${folder}/config.yaml`, import.meta.url))
  ),
  "",
  "- a list\n",
  "replicate: 3\n",
  "name: a/b\ndatasource: {}\nsteps: []\nreplicates: 0\n",
  "datasource: { x: 1 }\nsteps: [a, { b: 1, c: 2 }]\ncli: { color: purple, priority: x }\n",
  "datasource: { x: x }\nsteps: [a]\nplugins: [Nope, { SeedPlugin: { seed: -1 } }]\n",
  "datasource: { x: x }\nsteps: [a]\nhypotheses: [{ name: h }, { verifier: v, metrics: [] }]\n",
  "datasource: { x: x }\nsteps: [a]\noutputs: { m: { format: csv } }\npermissions: { net: 3 }\n",
  // 200 code points (400 UTF-16 units) is the longest name; 201 is one too many.
  `name: ${"😀".repeat(200)}\ndatasource: { x: x }\nsteps: [a]\n`,
  `name: ${"😀".repeat(201)}\ndatasource: { x: x }\nsteps: [a]\n`,
];

const precompiled = validate as unknown as ValidateFunction;

Deno.test("schema validator: judges like the schema compiled by ajv, errors and all", () => {
  const compiled = schemaCompiler().compile(JSON.parse(Deno.readTextFileSync(SCHEMA_FILE)));
  const verdicts = DOCUMENTS.map((text) => {
    const value = parseYaml(text, "/exp/config.yaml").value;
    const valid = precompiled(value);
    assert.equal(valid, compiled(value), text);
    assert.deepEqual(precompiled.errors, compiled.errors, text);
    return valid;
  });
  // Both kinds are among them, the two names at the limit on either side of it.
  assert.deepEqual(verdicts.slice(-2), [true, false]);
  assert.ok(verdicts.filter((v) => !v).length >= 8);
});
