import type { Logger } from "../context/logger.ts";
import type { BasePlugin } from "../plugins/plugin.ts";
import type { EventSink } from "./condition_runner.ts";
import type { ProgressEvent, ProgressListener } from "./events.ts";

/**
 * Combines a run's listener with the plugins' `onEvent` listeners (each
 * filtered by its `eventTypes`), or `undefined` when nobody listens — then no
 * event object is ever created. A listener that throws is logged and skipped.
 *
 * @example
 * ```ts
 * const sink = eventSink(experiment.plugins, (e) => console.log(e.type), logger);
 * sink?.steps; // whether step events are wanted
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
