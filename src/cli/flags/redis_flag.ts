import { redisAddress } from "../../execution/queue/redis_connection.ts";
import { CliError } from "../cli_error.ts";

/**
 * Checks a `--redis` value: a `redis://host:port` URL, else a usage error
 * naming the flag.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redisUrlFlag } from "./redis_flag.ts";
 *
 * assert.equal(redisUrlFlag("redis://127.0.0.1:6379"), "redis://127.0.0.1:6379");
 * assert.throws(() => redisUrlFlag("127.0.0.1:6379"), /--redis/);
 * ```
 */
export function redisUrlFlag(value: string): string {
  try {
    redisAddress(value);
  } catch (error) {
    throw new CliError(`--redis: ${(error as Error).message}`);
  }
  return value;
}

/**
 * Checks `run`'s queue flags: `--executor queue` and `--shared-output`
 * need `--redis`, and a `--redis` value must be a Redis URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkQueueFlags } from "./redis_flag.ts";
 *
 * assert.throws(() => checkQueueFlags({ executor: "queue" }), /needs --redis/);
 * assert.throws(() => checkQueueFlags({ sharedOutput: "/mnt/x" }), /--shared-output needs --redis/);
 * checkQueueFlags({ executor: "queue", redis: "redis://127.0.0.1:6379" });
 * ```
 */
export function checkQueueFlags(
  options: { readonly executor?: string; readonly redis?: string; readonly sharedOutput?: string },
): void {
  if (options.sharedOutput !== undefined && options.redis === undefined) {
    throw new CliError(
      "--shared-output needs --redis redis://host:port: it is the shared folder of a queue run (--executor queue)",
    );
  }
  if (options.executor === "queue" && options.redis === undefined) {
    throw new CliError(
      "--executor queue needs --redis redis://host:port (start workers there with crystallize worker --redis ...)",
    );
  }
  if (options.redis !== undefined) redisUrlFlag(options.redis);
}
