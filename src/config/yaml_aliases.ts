import type { Alias, Document, LineCounter, Node } from "npm:yaml@2.9.1";
import type { ConfigIssue } from "./config_error.ts";
import { yaml } from "./yaml_library.ts";

const { isAlias, isCollection, isPair, isScalar, visit } = yaml;

/**
 * The most values YAML aliases (`*name`) may add to a document when they are
 * expanded. A config file needs a handful; an alias bomb ("billion laughs":
 * anchors whose values repeat the previous anchor many times) adds billions
 * and would exhaust memory in whatever walks the values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineCounter, parseDocument } from "npm:yaml@2.9.1";
 * import { aliasIssues, MAX_ALIAS_EXPANSION } from "./yaml_aliases.ts";
 *
 * const lines = new LineCounter();
 * const doc = parseDocument("a: &x [1, 2]\nb: *x\n", { lineCounter: lines });
 * assert.deepEqual(aliasIssues(doc, lines, "/exp/config.yaml"), []); // within MAX_ALIAS_EXPANSION
 * assert.equal(MAX_ALIAS_EXPANSION, 10_000);
 * ```
 */
export const MAX_ALIAS_EXPANSION = 10_000;

/**
 * Problems with the aliases of a parsed document, each at the alias's line
 * and column: an alias to an anchor defined nowhere before it (YAML allows
 * only backward references), an alias inside the value its anchor marks
 * (a recursive value, which no config key can hold), and aliases that
 * together expand to more than {@linkcode MAX_ALIAS_EXPANSION} values. One
 * pass in document order; expansion sizes are computed once per anchor, so
 * a hostile document costs time linear in its length.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LineCounter, parseDocument } from "npm:yaml@2.9.1";
 * import { aliasIssues } from "./yaml_aliases.ts";
 *
 * const lines = new LineCounter();
 * const doc = parseDocument("a: *nope\n", { lineCounter: lines });
 * assert.equal(
 *   aliasIssues(doc, lines, "/exp/config.yaml")[0].message,
 *   "YAML alias '*nope' refers to no anchor: define '&nope' on a value before it, or remove the alias",
 * );
 * ```
 */
export function aliasIssues(doc: Document, lines: LineCounter, file: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = (node: Node, message: string) => {
    const { line, col } = lines.linePos(node.range?.[0] ?? 0);
    issues.push({ file, line, column: col, message });
  };
  const anchors = new Map<string, Node>();
  const targets = new Map<Alias, Node>();
  const sizes = new Map<Node, number>();
  const size = (node: unknown): number => expandedSize(node, targets, sizes);
  let expansion = 0;
  let bombReported = false;
  visit(doc, {
    Node(_key, node, path) {
      if (isAlias(node)) {
        const target = anchors.get(node.source);
        if (target === undefined) {
          at(
            node,
            `YAML alias '*${node.source}' refers to no anchor: define '&${node.source}' on a value ` +
              "before it, or remove the alias",
          );
        } else if (path.includes(target)) {
          at(
            node,
            `YAML alias '*${node.source}' is inside the value its anchor '&${node.source}' marks, ` +
              "which makes a recursive value; config values cannot contain themselves",
          );
        } else {
          targets.set(node, target);
          expansion += size(target);
          if (expansion > MAX_ALIAS_EXPANSION && !bombReported) {
            bombReported = true;
            at(
              node,
              `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} values by this alias ` +
                `('*${node.source}'): this looks like an alias bomb ("billion laughs"); ` +
                "write the values out, or use fewer and less nested aliases",
            );
          }
        }
        return;
      }
      if (node.anchor) anchors.set(node.anchor, node);
    },
  });
  return issues;
}

/**
 * How many values `node` stands for once its aliases are expanded (a
 * scalar is 1, a collection 1 plus its items, an alias its target's size),
 * memoized per node. Unresolved and recursive aliases count 1 (they are
 * reported on their own); the sum saturates at `Infinity`, never throws.
 */
function expandedSize(
  node: unknown,
  targets: ReadonlyMap<Alias, Node>,
  sizes: Map<Node, number>,
): number {
  if (isScalar(node) || node === null || node === undefined) return 1;
  if (isAlias(node)) {
    const target = targets.get(node);
    return target === undefined ? 1 : expandedSize(target, targets, sizes);
  }
  if (isPair(node)) {
    return expandedSize(node.key, targets, sizes) + expandedSize(node.value, targets, sizes);
  }
  if (!isCollection(node)) return 1;
  const known = sizes.get(node);
  if (known !== undefined) return known;
  sizes.set(node, 1); // a cycle (not possible for resolved aliases) would count 1, not recurse
  let total = 1;
  for (const item of node.items) total += expandedSize(item, targets, sizes);
  sizes.set(node, total);
  return total;
}
