/**
 * Exports and comparison end to end through the real CLI, on a folder
 * experiment whose values are known by construction (replicate r records
 * x = r × scale + offset): `show --format csv` parsed back (RFC 4180) row by
 * row against the stored run, jsonl, Markdown, `--all-versions`
 * (`treatment (vN)`), and `compare` against the difference worked out by
 * hand (and scipy's `ttest_ind(..., equal_var=False)`). Hostile metric
 * names are escaped in the report, which Chromium shows without running
 * anything.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { tempDir } from "./temp_dir.ts";
import { cli, MOD, writeFiles } from "./fixtures/cli/run_cli.ts";
import { HAVE_CHROMIUM, HeadlessChromium } from "./fixtures/browser/chromium.ts";

const FORMULA = '=HYPERLINK("http://127.0.0.1:9")';
const MARKUP = "<img src=x onerror=alert(1)>";

function config(offset: number): string {
  return `name: shift
replicates: 5
datasource:
  zero: numbers
steps:
  - record: { offset: ${offset} }
treatments:
  "with, comma": { scale: 2 }
`;
}

async function shiftExperiment(root: string): Promise<string> {
  const folder = join(root, "shift");
  await writeFiles(folder, {
    "config.yaml": config(0),
    "datasources.ts": `import { dataSource } from ${JSON.stringify(MOD)};
export const numbers = dataSource(() => 0, { name: "numbers" });
`,
    "steps.ts": `import { pipelineStep } from ${JSON.stringify(MOD)};
export const record = pipelineStep((_d: number, ctx, { offset, scale }) => {
  ctx.metrics.add("x", ctx.replicate * scale + offset);
  ctx.metrics.add(${JSON.stringify(FORMULA)}, 1);
  ctx.metrics.add(${JSON.stringify(MARKUP)}, ctx.replicate);
  ctx.metrics.add("note", \`r\${ctx.replicate}, "q"\\nline\`);
  return 0;
}, { name: "record", params: { offset: 0, scale: 1 } });
`,
  });
  assert.equal((await cli(["run", folder, "--quiet", "--seed", "7"])).code, 0);
  await Deno.writeTextFile(join(folder, "config.yaml"), config(3));
  const second = await cli(["run", folder, "--quiet", "--seed", "7"]);
  assert.equal(second.code, 0, second.stderr);
  return folder;
}

/** RFC 4180: records of fields; quoted fields may hold commas, CRLF and doubled quotes. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || record.length > 0) records.push([...record, field]);
  return records;
}

Deno.test("show --format csv parses back to one row per replicate × condition × metric, matching the stored run", async () => {
  await using dir = await tempDir("export-csv");
  const folder = await shiftExperiment(dir.path);
  const shown = await cli(["show", folder, "--format", "csv"]);
  assert.equal(shown.code, 0, shown.stderr);
  const [header, ...rows] = parseCsv(shown.stdout.replace(/\n$/, "\r\n"));
  assert.deepEqual(header, [
    "experiment",
    "version",
    "run_id",
    "condition",
    "replicate",
    "seed",
    "metric",
    "value",
  ]);
  const stored = JSON.parse((await cli(["show", folder, "--json"])).stdout).result;
  assert.equal(rows.length, 5 * 2 * 4);
  for (const [experiment, version, runId, condition, replicate, seed, metric, value] of rows) {
    assert.deepEqual([experiment, version, runId], ["shift", "1", stored.provenance.runId]);
    const r = Number(replicate);
    assert.equal(Number(seed), stored.provenance.seeds[condition][r]);
    assert.equal(Number(seed), (7 + r * 31337) % 2 ** 32);
    const metrics = condition === "baseline"
      ? stored.metrics.baseline
      : stored.metrics.treatments[condition];
    assert.ok(metrics !== undefined, `condition ${condition}`);
    if (metric === `'${FORMULA}`) {
      assert.equal(value, "1"); // a spreadsheet would have run the name as a formula
    } else if (metric === "x") {
      assert.equal(Number(value), r * (condition === "baseline" ? 1 : 2) + 3);
    } else {
      assert.equal(String(metrics[metric][r]), value);
    }
  }
  assert.deepEqual(
    rows.filter((r) => r[6] === "note").map((r) => `${r[3]}|${r[7]}`).slice(4, 6),
    ['baseline|r4, "q"\nline', 'with, comma|r0, "q"\nline'],
  );

  const jsonl = await cli(["show", folder, "--format", "jsonl"]);
  const objects = jsonl.stdout.trim().split("\n").map((l) => JSON.parse(l));
  assert.equal(objects.length, rows.length);
  assert.deepEqual(objects[0], {
    experiment: "shift",
    version: 1,
    runId: stored.provenance.runId,
    condition: "baseline",
    replicate: 0,
    seed: 7,
    metric: "x",
    value: 3,
  });

  const all = await cli(["show", folder, "--format", "csv", "--all-versions"]);
  const versions = parseCsv(all.stdout.replace(/\n$/, "\r\n")).slice(1).map((r) => r[1]);
  assert.deepEqual([...new Set(versions)], ["0", "1"]);
  assert.equal(versions.length, 2 * rows.length);
});

Deno.test("show --all-versions and --format md: treatment (vN) rows across versions, an escaped Markdown summary", async () => {
  await using dir = await tempDir("export-md");
  const folder = await shiftExperiment(dir.path);
  const all = await cli(["show", folder, "--all-versions"]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /Experiment 'shift': 2 versions \(v0, v1\)/);
  assert.match(all.stdout, /baseline \(v0\)\s+x\s+5\s+2 ± 1\.9632/); // t(0.975, 4) × √2.5 / √5
  assert.match(all.stdout, /with, comma \(v1\)\s+x\s+5\s+7 ± 3\.9265/);
  const md = await cli(["show", folder, "--format", "md"]);
  assert.match(md.stdout, /^# shift v1\n/);
  assert.match(md.stdout, /\| with, comma \| x \| 5 \| 7 ± 3\.9265 \|/);
  assert.match(md.stdout, /\| baseline \| \\<img src=x onerror=alert\(1\)\\> \| 5 \|/);
  const both = await cli(["show", folder, "--all-versions", "--version", "1"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--all-versions and --version exclude each other/);
});

Deno.test("compare two versions: the change in mean, its Welch interval and test, as computed by hand", async () => {
  await using dir = await tempDir("export-compare");
  const folder = await shiftExperiment(dir.path);
  const versions = ["compare", folder, folder, "--version-a", "0", "--version-b", "1"];
  const compared = await cli([...versions, "--json"]);
  assert.equal(compared.code, 0, compared.stderr);
  const c = JSON.parse(compared.stdout);
  assert.deepEqual([c.a, c.b], ["shift v0", "shift v1"]);
  const row = (condition: string) =>
    c.rows.find((r: { metric: string; condition: string }) =>
      r.metric === "x" && r.condition === condition
    );
  // Baseline: A = 0..4, B = 3..7. Both variances 2.5, so se = √(2.5/5 + 2.5/5) = 1, df = 8,
  // t = 3 / 1; the interval is 3 ± t(0.975, 8) · 1 = 3 ± 2.306004135204166.
  const base = row("baseline");
  assert.deepEqual([base.meanA, base.meanB, base.nA, base.nB], [2, 5, 5, 5]);
  const close = (x: number, y: number) =>
    assert.ok(Math.abs(x - y) < 1e-9 * Math.abs(y), `${x} vs ${y}`);
  close(base.difference.estimate, 3);
  close(base.difference.statistic, 3);
  close(base.difference.df, 8);
  close(base.difference.low, 3 - 2.306004135204166);
  close(base.difference.high, 3 + 2.306004135204166);
  close(base.difference.pValue, 0.01707168123378265); // scipy
  // "with, comma": A = 0,2,..,8, B = 3,5,..,11: variances 10, se = 2, t = 1.5.
  const treated = row("with, comma");
  close(treated.difference.estimate, 3);
  close(treated.difference.low, 3 - 2 * 2.306004135204166);
  close(treated.difference.pValue, 0.17200329195191122); // scipy
  // A metric that never varies: no change, and no test (0/0: p is NaN, null in JSON).
  const constant = c.rows.find((r: { metric: string }) => r.metric === FORMULA);
  assert.deepEqual([constant.difference.estimate, constant.difference.pValue], [0, null]);

  const text = await cli(versions);
  assert.match(text.stdout, /x\s+baseline\s+2\s+5\s+\+3\s+\[0\.694, 5\.306\]\s+0\.0171/);
  const out = join(dir.path, "compare.html");
  const withHtml = await cli([...versions, "--out", out]);
  assert.equal(withHtml.code, 0, withHtml.stderr);
  assert.match(await Deno.readTextFile(out), /data-plot="comparison"/);
});

Deno.test({
  name: `a hostile metric name is text in the report: Chromium runs nothing and loads nothing${
    HAVE_CHROMIUM ? "" : " (skipped: chromium is not installed)"
  }`,
  ignore: !HAVE_CHROMIUM,
  async fn() {
    await using dir = await tempDir("report-hostile");
    const folder = await shiftExperiment(dir.path);
    const out = resolve(dir.path, "hostile.html");
    assert.equal((await cli(["report", folder, "--all-versions", "--out", out])).code, 0);
    const html = await Deno.readTextFile(out);
    assert.ok(!html.includes(MARKUP), "the name is escaped wherever it appears");
    await using browser = await HeadlessChromium.start();
    await browser.open(`file://${out}`);
    const shown = await browser.evaluate<{ images: number; metrics: string[]; labels: string[] }>(
      `({ images: document.querySelectorAll("img").length,
          metrics: [...document.querySelectorAll("figure[data-metric]")].map((f) => f.dataset.metric),
          labels: [...document.querySelectorAll("figure[data-metric='x'] svg text")].map((t) => t.textContent) })`,
    );
    assert.equal(shown.images, 0);
    assert.deepEqual(shown.metrics, ["x", FORMULA, MARKUP, "note"]);
    for (
      const label of ["baseline (v0)", "with, comma (v0)", "baseline (v1)", "with, comma (v1)"]
    ) {
      assert.ok(shown.labels.includes(label), label);
    }
    assert.deepEqual(browser.log.errors, []);
    assert.deepEqual(browser.log.requests, [`file://${out}`]);
  },
});
