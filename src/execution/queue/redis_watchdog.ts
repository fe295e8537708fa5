import type { Redis } from "npm:ioredis@5.8.2";
import type { Logger } from "../../context/logger.ts";
import { CrystallizeError } from "../../errors.ts";
import { redisAddress } from "./redis_connection.ts";

/**
 * Redis went away for longer than a run waits for it.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RedisUnavailableError } from "./redis_watchdog.ts";
 *
 * assert.equal(new RedisUnavailableError("gone").name, "RedisUnavailableError");
 * ```
 */
export class RedisUnavailableError extends CrystallizeError {}

/**
 * Fails a run once Redis has been unreachable for `redisWaitMs`, after
 * saying once that it waits (ioredis reconnects and replays commands
 * meanwhile), and says when it is back.
 *
 * @example
 * ```ts ignore
 * // Needs a Redis server.
 * import { RedisWatchdog } from "./redis_watchdog.ts";
 *
 * const watchdog = new RedisWatchdog(redis, { connection, redisWaitMs: 60_000 }, console);
 * await Promise.race([work, watchdog.failed]);
 * watchdog.stop();
 * ```
 */
export class RedisWatchdog {
  /** Rejects with a {@linkcode RedisUnavailableError} when the wait is over. */
  readonly failed: Promise<never>;
  readonly #timer: ReturnType<typeof setInterval>;

  /** Starts watching `redis` (checked every 200 ms). */
  constructor(
    redis: Redis,
    request: { readonly connection: string; readonly redisWaitMs: number },
    logger: Pick<Logger, "info" | "warn">,
  ) {
    let downSince: number | undefined;
    let fail!: (error: Error) => void;
    this.failed = new Promise<never>((_, reject) => fail = reject);
    this.failed.catch(() => {});
    const where = redisAddress(request.connection).hostPort;
    this.#timer = setInterval(() => {
      if (redis.status === "ready") {
        if (downSince !== undefined) {
          logger.info(`Redis at ${where} is back; the run goes on`);
        }
        downSince = undefined;
        return;
      }
      if (downSince === undefined) {
        downSince = performance.now();
        logger.warn(
          `Redis at ${where} is unreachable; waiting up to ${
            Math.round(request.redisWaitMs / 1000)
          } s for it`,
        );
      } else if (performance.now() - downSince > request.redisWaitMs) {
        fail(
          new RedisUnavailableError(
            `Redis at ${where} was unreachable for ${Math.round(request.redisWaitMs / 1000)} s; ` +
              "start it again (with appendonly yes, the run's queued work survives) and resume the run with --strategy resume",
          ),
        );
      }
    }, 200);
  }

  /** Stops watching. */
  stop(): void {
    clearInterval(this.#timer);
  }
}
