/**
 * The reader of plain YAML (`yaml_subset.ts`) gives exactly what the YAML
 * parser gives — values, positions and scalar texts — or leaves the text
 * to it: on every config.yaml of the repository, every kind `crystallize
 * new` writes, generated documents mixing plain and unusual YAML, and
 * tens of thousands of one-character mutations of them (which make bad
 * YAML too: the reader must never accept what the parser refuses).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { DEFAULT_SCAFFOLD, scaffold } from "../src/cli/scaffold.ts";
import { ConfigError } from "../src/config/config_error.ts";
import { parseYaml } from "../src/config/yaml_parse.ts";
import { parseYamlSubset } from "../src/config/yaml_subset.ts";
import { seededRandom as random } from "./seeded_random.ts";

const FILE = "/exp/config.yaml";

/** What the parser makes of `text` as plain data, or `undefined` when it refuses it. */
function parsed(text: string): unknown {
  try {
    return parseYaml(text, FILE).toJSON();
  } catch (error) {
    if (error instanceof ConfigError) return undefined;
    throw error;
  }
}

/** Checks the reader against the parser on `text`; whether the reader read it. */
function agrees(text: string): boolean {
  const quick = parseYamlSubset(text, FILE);
  if (quick === undefined) return false;
  assert.deepEqual(quick.toJSON(), parsed(text), `YAML ${JSON.stringify(text)}`);
  return true;
}

async function repositoryConfigs(): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.name === "config.yaml") found.push(await Deno.readTextFile(path));
    }
  };
  await walk(new URL("..", import.meta.url).pathname);
  return found;
}

function scaffoldedConfigs(): string[] {
  const kinds = [
    DEFAULT_SCAFFOLD,
    { ...DEFAULT_SCAFFOLD, example: false },
    { ...DEFAULT_SCAFFOLD, outputs: true, verifiers: true },
    { ...DEFAULT_SCAFFOLD, inputs: ["producer#readings", "other#result"] },
  ];
  return kinds.map((options) => scaffold("demo", "../mod.ts", options)["config.yaml"]);
}

const SCALARS = [
  "total",
  "a b  c",
  "Moving-average, by width.",
  "〰️",
  "🧪",
  "producer#readings",
  "redis://h:1",
  "x#y",
  "1",
  "-3",
  "0",
  "-0",
  "007",
  "12",
  "2.5",
  "-0.25",
  "1e3",
  "0x1F",
  ".5",
  "+1",
  "true",
  "False",
  "TRUE",
  "null",
  "~",
  "Null",
  "yes",
  "no",
  "on",
  '"quoted"',
  "'single'",
  '"a # b"',
  "'it''s'",
  '"esc\\n"',
  '""',
  "''",
  "&anchor x",
  "*alias",
  "!!str 1",
  "|",
  ">",
  "@x",
  "`x`",
  "%x",
  "a: b",
  "a:",
  "-",
  "- x",
  "?",
  "? x",
  "[a, b]",
  "[]",
  "{}",
  "{ a: 1 }",
  "{a: 1, b: [x, 2]}",
  "[1, {c: d}]",
  "[a,]",
  "{a:1}",
  "{ a }",
  "[a: 1]",
  "{ a: 1 } x",
  "x [y]",
  "a,b",
  "/data/x.csv",
  "(x)",
  "$HOME",
  "a\\b",
  "<<",
  "=x",
];
const KEYS = [
  "name",
  "steps",
  "datasource",
  "window_5",
  "a.b",
  "k-1",
  "true",
  "null",
  "2d",
  "__proto__",
];

/** A document of nested mappings and sequences written in the ways config files are. */
function generatedDocument(next: () => number): string {
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const lines: string[] = [];
  const comment = () => (next() < 0.15 ? pick([" # note", "  #x", " #"]) : "");
  const block = (indent: number, depth: number): void => {
    const pad = " ".repeat(indent);
    const sequence = depth > 0 && next() < 0.35;
    const count = 1 + Math.floor(next() * 3);
    for (let i = 0; i < count; i++) {
      if (next() < 0.1) lines.push(pick(["", `${pad}# comment`, "#", "   "]));
      const head = sequence ? `${pad}-${pick([" ", "  "])}` : `${pad}${pick(KEYS)}:`;
      const compact = sequence && next() < 0.3 ? `${pick(KEYS)}:` : "";
      const nested = depth < 3 && next() < 0.35;
      const lead = sequence ? head + compact : head;
      if (nested && (!sequence || compact)) {
        lines.push(lead + pick(["", "   ", " # c"]));
        const step = pick([2, 2, 4, 1]);
        block(indent + (sequence ? head.length - indent : 0) + step, depth + 1);
      } else if (next() < 0.1) {
        lines.push(lead + pick(["", "  ", " # empty"]));
      } else {
        lines.push(`${lead}${compact || !sequence ? " " : ""}${pick(SCALARS)}${comment()}`);
      }
    }
  };
  block(0, 0);
  return lines.join("\n") + pick(["\n", "", "\n\n"]);
}

const MUTATIONS = [..." #:-\n\"'{}[],&*!|>a1.~\t\r"];

/** `text` with one character inserted, deleted or replaced, or a line repeated. */
function mutated(text: string, next: () => number): string {
  const at = Math.floor(next() * (text.length + 1));
  const char = MUTATIONS[Math.floor(next() * MUTATIONS.length)];
  switch (Math.floor(next() * 4)) {
    case 0:
      return text.slice(0, at) + char + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + char + text.slice(at + 1);
    default: {
      const lines = text.split("\n");
      const line = Math.floor(next() * lines.length);
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join("\n");
    }
  }
}

Deno.test("yaml subset: every config.yaml of the repository and of crystallize new is read, as the parser reads it", async () => {
  const configs = [...await repositoryConfigs(), ...scaffoldedConfigs()];
  assert.ok(configs.length >= 10);
  for (const text of configs) assert.ok(agrees(text), `not read quickly:\n${text}`);
});

Deno.test("yaml subset: generated documents are read as the parser reads them, or left to it", () => {
  const next = random(7);
  let read = 0;
  for (let i = 0; i < 4_000; i++) if (agrees(generatedDocument(next))) read++;
  // Plenty are plain: the comparison is not only of refusals.
  assert.ok(read > 400, `only ${read} generated documents read`);
});

Deno.test("yaml subset: one-character mutations are read as the parser reads them, or left to it", async () => {
  const next = random(11);
  const configs = [...await repositoryConfigs(), ...scaffoldedConfigs()];
  const generated = Array.from({ length: 300 }, () => generatedDocument(next));
  let read = 0;
  for (let i = 0; i < 20_000; i++) {
    // Half of them real configs, which are plain: most of their mutations are plain too.
    let text = i % 2 === 0 ? configs[(i / 2) % configs.length] : generated[(i >> 1) % 300];
    for (let n = 1 + Math.floor(next() * 2); n > 0; n--) text = mutated(text, next);
    if (agrees(text)) read++;
  }
  assert.ok(read > 4_000, `only ${read} mutated documents read`);
});

Deno.test("yaml subset: what it leaves to the parser", () => {
  const unusual = [
    "a: &x 1\nb: *x\n", // anchors and aliases
    "a: !!str 1\n", // tags
    "a: |\n  text\n", // block scalars
    "a: one\n  two\n", // a multi-line scalar
    "steps:\n- a\n", // a sequence at its key's indentation
    "a: 1\na: 2\n", // a duplicate key (the parser reports it)
    "? a\n: 1\n", // an explicit key
    "---\na: 1\n", // a document marker
    "a:\tb\n", // a tab
    '"a": 1\n', // a quoted key
    "a: 0x1F\n", // a number form beyond decimals
    "a: { b: 1,\n  c: 2 }\n", // a flow collection over lines
    "- a\n", // not a mapping
    "", // empty
  ];
  for (const text of unusual) {
    assert.equal(parseYamlSubset(text, FILE), undefined, JSON.stringify(text));
  }
});
