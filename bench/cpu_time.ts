/**
 * CPU time of this process without `node:process`: a worker process whose
 * experiment imports a `node:` module pays for Deno's Node layer at start-up
 * (6–12 ms), which is not the library's cost, so the benchmarks' steps must
 * not import one. Deno has `Deno.cpuUsage()` (µs, all threads, as
 * `process.cpuUsage()`) but its 2.9 type declarations lack it.
 * @module
 */

type CpuUsage = () => { readonly user: number; readonly system: number };

const cpuUsage: unknown = Reflect.get(Deno, "cpuUsage");
if (typeof cpuUsage !== "function") {
  throw new Error("this benchmark needs Deno.cpuUsage(), which Deno 2.9 has");
}
const usage = cpuUsage.bind(Deno) as CpuUsage;

/**
 * User + system CPU time of this process so far, ms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { cpuMs } from "./cpu_time.ts";
 *
 * const before = cpuMs();
 * let x = 0;
 * for (let i = 0; i < 1e6; i++) x += i;
 * assert.ok(cpuMs() >= before && x > 0);
 * ```
 */
export function cpuMs(): number {
  const { user, system } = usage();
  return (user + system) / 1000;
}
