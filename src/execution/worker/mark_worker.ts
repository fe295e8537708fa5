/**
 * Imported first by every worker entry: marks the isolate as a worker before
 * any experiment module evaluates, so a module that calls `experiment.run()`
 * at import time is refused instead of starting a run inside the worker.
 * @module
 */
import { IN_WORKER } from "./in_worker.ts";

(globalThis as { [IN_WORKER]?: boolean })[IN_WORKER] = true;
