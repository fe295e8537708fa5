/**
 * Async steps awaiting I/O: each replicate fetches a JSON document from a
 * small HTTP server on the loopback interface (started here, on a free
 * port), and `AsyncExecution` overlaps the requests. The `slow_server`
 * treatment asks the server to delay each answer; a Mann-Whitney test
 * compares latencies.
 *
 * Run: `deno run --allow-net=127.0.0.1 --allow-read=. examples/async_fetch.ts`
 * @module
 */
import {
  AsyncExecution,
  dataSource,
  Experiment,
  hypothesis,
  pipelineStep,
  SeedPlugin,
  stats,
  treatment,
} from "../mod.ts";

/** Serves `/item/<id>?delay=<ms>` with `{ id, value }` after the delay. */
export function startServer(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const delay = Number(url.searchParams.get("delay") ?? 0);
    await new Promise((r) => setTimeout(r, delay));
    const id = Number(url.pathname.split("/").at(-1));
    return Response.json({ id, value: id * 2 });
  });
}

/** The URL each replicate fetches; the server's base URL comes from the context. */
export const itemUrls = dataSource(
  (ctx, { baseUrl, delayMs }) =>
    `${baseUrl}/item/${ctx.replicate}?delay=${delayMs + ctx.rng.int(0, 5)}`,
  { name: "item_urls", params: { baseUrl: "http://127.0.0.1:8000", delayMs: 5 } },
);

/** Fetches the document and records the value and the latency. */
export const fetchItem = pipelineStep(async (url: string, ctx) => {
  const started = performance.now();
  const response = await fetch(url, { signal: ctx.signal });
  const body: { id: number; value: number } = await response.json();
  ctx.metrics.add("latency_ms", performance.now() - started);
  ctx.metrics.add("value", body.value);
  return body;
}, { name: "fetch_item" });

/** Builds the experiment against a running server. */
export function buildExperiment(baseUrl: string): Experiment {
  return Experiment.builder("async_fetch")
    .datasource(itemUrls({ baseUrl }))
    .addStep(fetchItem())
    .plugins([new AsyncExecution({ concurrency: 20 }), new SeedPlugin({ seed: 7 })])
    .treatments([treatment("slow_server", { delayMs: 40 })])
    .hypotheses([
      hypothesis({
        name: "slower",
        verifier: stats.mannWhitney({ alternative: "greater" }),
        metrics: "latency_ms",
      }),
    ])
    .replicates(20)
    .build();
}

if (import.meta.main) {
  const server = startServer();
  try {
    const result = await buildExperiment(`http://127.0.0.1:${server.addr.port}`).run();
    console.log(result.toString());
    console.log(`values: ${result.metrics.baseline.metrics.value.join(",")}`);
  } finally {
    await server.shutdown();
  }
}
