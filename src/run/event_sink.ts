import type { Logger } from "../context/logger.ts";
import type { BasePlugin } from "./plugin.ts";
import type { EventSink, ProgressEvent, ProgressListener } from "./events.ts";

/**
 * Combines a run's listener with the plugins' `onEvent` listeners (each
 * filtered by its `eventTypes`), or `undefined` when nobody listens — then no
 * event object is ever created. A listener that throws is logged and skipped.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createLogger, type ProgressEvent } from "@crystallize/deno";
 * import { eventSink } from "./event_sink.ts";
 *
 * assert.equal(eventSink([], undefined, undefined), undefined); // nobody listens: no events made
 * const seen: ProgressEvent[] = [];
 * const sink = eventSink([], (e) => seen.push(e), createLogger({ level: "error" }));
 * assert.equal(sink?.steps, true); // a run listener wants step events too
 * sink?.emit({ type: "run-finished", experiment: "x", runId: "r", durationMs: 1, errors: 0 } as ProgressEvent);
 * assert.equal(seen.length, 1);
 * ```
 */
export function eventSink(
  plugins: readonly BasePlugin[],
  onEvent: ProgressListener | undefined,
  logger: Logger | undefined,
): EventSink | undefined {
  const listeners: { wants: (type: ProgressEvent["type"]) => boolean; call: ProgressListener }[] =
    [];
  if (onEvent !== undefined) listeners.push({ wants: () => true, call: onEvent });
  for (const p of plugins) {
    if (typeof p.onEvent !== "function") continue;
    const types = p.eventTypes;
    listeners.push({
      wants: (t) => types === undefined || types.includes(t),
      call: (e) => p.onEvent!(e),
    });
  }
  if (listeners.length === 0) return undefined;
  const emit = (event: ProgressEvent) => {
    for (const l of listeners) {
      if (!l.wants(event.type)) continue;
      try {
        l.call(event);
      } catch (error) {
        logger?.error(
          `A progress listener threw on '${event.type}': ${(error as Error)?.message ?? error}`,
        );
      }
    }
  };
  return {
    replicates: listeners.some((l) =>
      l.wants("replicate-started") || l.wants("replicate-finished")
    ),
    steps: listeners.some((l) => l.wants("step-started") || l.wants("step-finished")),
    emit,
  };
}
