import { resolvePath } from "../resolve_path.ts";
import type { WorkerPermissions } from "../execution/worker/permissions.ts";
import type { ConfigFile } from "./folder_config.ts";

/**
 * The config's `permissions` with relative `read`, `write` and `ffi` paths
 * resolved against the experiment's folder (other kinds are host names,
 * variable names or programs and pass through).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolvePermissions } from "./folder_permissions.ts";
 *
 * assert.deepEqual(resolvePermissions({ read: ["./data"], net: ["api.example.com:443"] }, "/exp"), {
 *   read: ["/exp/data"],
 *   net: ["api.example.com:443"],
 * });
 * ```
 */
export function resolvePermissions(
  permissions: ConfigFile["config"]["permissions"],
  folder: string,
): WorkerPermissions {
  const out: Record<string, boolean | string[]> = {};
  for (const [kind, value] of Object.entries(permissions ?? {})) {
    out[kind] = Array.isArray(value) && (kind === "read" || kind === "write" || kind === "ffi")
      ? value.map((p) => resolvePath(folder, p))
      : value;
  }
  return out as WorkerPermissions;
}
