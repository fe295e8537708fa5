/**
 * `crystallize report` end to end: the reports of examples/folder_experiment
 * and of the DAG example are written by the real CLI from stored runs,
 * checked as HTML (parse5: no parse error under the HTML standard's parser;
 * doctype, charset, title, no script), then opened in a real headless
 * Chromium: no console error, no request but the page itself, an SVG plot
 * per metric with every condition and every replicate's point, a drawn
 * graph for the DAG; a screenshot is written to the test's folder.
 */
import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { parse } from "npm:parse5@8.1.1";
import { tempDir } from "./temp_dir.ts";
import { cli, copyExample } from "./fixtures/cli/run_cli.ts";
import { HAVE_CHROMIUM, HeadlessChromium } from "./fixtures/browser/chromium.ts";

/** Problems the HTML standard's parser reports, and the document-level checks. */
function htmlProblems(html: string): string[] {
  const problems: string[] = [];
  parse(html, {
    onParseError: (e) => problems.push(`${e.code} at line ${e.startLine}:${e.startCol}`),
  });
  if (!html.startsWith("<!doctype html>")) problems.push("no doctype");
  if (!/<meta charset="utf-8">/.test(html)) problems.push("no charset");
  if (!/<title>[^<]+<\/title>/.test(html)) problems.push("no title");
  if (/<script/i.test(html)) problems.push("a script");
  const ids = [...html.matchAll(/ id="([^"]*)"/g)].map((m) => m[1]);
  if (new Set(ids).size !== ids.length) problems.push("duplicate ids");
  return problems;
}

/** What the page shows per plot, computed in the browser. */
interface PlotInfo {
  readonly plot: string;
  readonly metric: string | null;
  readonly svgs: number;
  readonly texts: string[];
  readonly symbols: number;
}

const PLOTS = `[...document.querySelectorAll("figure.plot")].map((f) => ({
  plot: f.dataset.plot,
  metric: f.dataset.metric ?? null,
  svgs: f.querySelectorAll("svg").length,
  texts: [...f.querySelectorAll("svg text")].map((t) => t.textContent),
  symbols: f.querySelectorAll("g.mark-symbol path").length,
}))`;

async function storedReport(
  example: string,
  dir: string,
  target: string,
): Promise<{ html: string; path: string }> {
  await copyExample(example, join(dir, "ex"));
  const ran = await cli(["run", join(dir, "ex", target), "--quiet"]);
  assert.equal(ran.code, 0, ran.stderr);
  const path = join(dir, "report.html");
  const written = await cli(["report", join(dir, "ex", target), "--out", path]);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(written.stdout.trim(), `wrote ${resolve(path)}`);
  return { html: await Deno.readTextFile(path), path: resolve(path) };
}

async function openInChromium(path: string, shot: string): Promise<
  { plots: PlotInfo[]; errors: string[]; requests: string[] }
> {
  await using browser = await HeadlessChromium.start();
  await browser.open(`file://${path}`);
  const plots = await browser.evaluate<PlotInfo[]>(PLOTS);
  const png = await browser.screenshot(1100);
  await Deno.writeFile(shot, png);
  return { plots, errors: [...browser.log.errors], requests: [...browser.log.requests] };
}

const chromium = HAVE_CHROMIUM ? "" : " (skipped: chromium is not installed)";

Deno.test({
  name:
    `report of examples/folder_experiment: valid HTML; in Chromium no error or request, a plot per metric with every condition and replicate${chromium}`,
  ignore: !HAVE_CHROMIUM,
  async fn() {
    await using dir = await tempDir("report-folder");
    const { html, path } = await storedReport("examples/folder_experiment", dir.path, "");
    assert.deepEqual(htmlProblems(html), []);
    const shot = join(dir.path, "report.png");
    const { plots, errors, requests } = await openInChromium(path, shot);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [`file://${path}`], "the page loads nothing but itself");

    const run = JSON.parse((await cli(["show", join(dir.path, "ex"), "--json"])).stdout).result;
    const conditions = ["baseline", ...Object.keys(run.metrics.treatments)];
    assert.deepEqual(conditions, ["baseline", "window_5", "window_9"]);
    const metrics = Object.keys(run.metrics.baseline);
    assert.deepEqual(metrics, ["mae"]);
    for (const metric of metrics) {
      const plot = plots.find((p) => p.plot === "metric" && p.metric === metric);
      assert.ok(plot !== undefined, `a plot of ${metric}`);
      assert.equal(plot.svgs, 1);
      for (const c of conditions) assert.ok(plot.texts.includes(c), `${metric} shows ${c}`);
      const values = conditions.reduce(
        (n, c) =>
          n + (c === "baseline" ? run.metrics.baseline : run.metrics.treatments[c])[metric].length,
        0,
      );
      // Every replicate is a point; means and intervals are ticks and rules, not symbols.
      assert.equal(plot.symbols, values);
    }
    const forests = plots.filter((p) => p.plot === "forest");
    assert.deepEqual(forests.map((p) => p.svgs), [1], "smoother_is_better has intervals");
    for (const t of ["window_5", "window_9"]) assert.ok(forests[0].texts.includes(t));
    const timing = plots.find((p) => p.plot === "timing");
    assert.ok(timing?.texts.includes("smooth") && timing.texts.includes("score"));
    const png = await Deno.readFile(shot);
    assert.deepEqual([...png.slice(1, 4)], [0x50, 0x4e, 0x47], "a PNG screenshot");
    assert.ok(png.length > 20_000, `screenshot of a drawn page (${png.length} bytes)`);
  },
});

Deno.test({
  name:
    `report of the DAG example: both experiments and the dependency graph drawn, in Chromium without errors${chromium}`,
  ignore: !HAVE_CHROMIUM,
  async fn() {
    await using dir = await tempDir("report-dag");
    const { html, path } = await storedReport("examples/dag", dir.path, "");
    assert.deepEqual(htmlProblems(html), []);
    const { plots, errors, requests } = await openInChromium(path, join(dir.path, "dag.png"));
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [`file://${path}`]);
    const graph = plots.find((p) => p.plot === "graph");
    for (const text of ["producer", "consumer", "readings"]) {
      assert.ok(graph?.texts.includes(text), `the graph shows ${text}`);
    }
    const metricPlots = plots.filter((p) => p.plot === "metric").map((p) => p.metric);
    assert.deepEqual(metricPlots, ["mean_reading", "mean_temperature"]);
    for (const p of plots.filter((p) => p.plot === "metric")) {
      for (const c of ["baseline", "drifted"]) assert.ok(p.texts.includes(c), `${p.metric}: ${c}`);
      assert.equal(p.symbols, 12, "6 replicates × 2 conditions");
    }
    assert.ok(await Deno.stat(join(dir.path, "dag.png")).then((s) => s.size > 10_000));
  },
});

Deno.test({
  name:
    `the page's checks can fail: a remote image is blocked and reported, and without the policy requested${chromium}`,
  ignore: !HAVE_CHROMIUM,
  async fn() {
    await using dir = await tempDir("report-control");
    const { html } = await storedReport("examples/folder_experiment", dir.path, "");
    // Loopback only: nothing listens on the discard port, and no traffic leaves the machine.
    const image = '<img src="http://127.0.0.1:9/x.png">';
    const withImage = join(dir.path, "image.html");
    await Deno.writeTextFile(withImage, html.replace("<body>", `<body>${image}`));
    const blocked = await openInChromium(resolve(withImage), join(dir.path, "1.png"));
    assert.ok(blocked.errors.some((e) => /Content Security Policy/.test(e)), blocked.errors.join());
    const open = join(dir.path, "open.html");
    await Deno.writeTextFile(open, `<!doctype html><title>x</title>${image}`);
    const sent = await openInChromium(resolve(open), join(dir.path, "2.png"));
    assert.ok(sent.requests.includes("http://127.0.0.1:9/x.png"), sent.requests.join());
  },
});
