/**
 * What a request body or an imported document may be: JSON data (null, booleans, finite numbers,
 * strings, arrays, plain objects), at most MAX_DEPTH levels deep, without cycles. JSON.parse takes
 * deeper data, but the recursive steps after it — structuredClone in the store, schema checks, deep
 * merges — overflow the stack near 2,000 levels; a YAML alias can make a cycle, and a YAML tag a
 * byte array or a date. Checked with a loop, so the check itself cannot overflow.
 */
export const MAX_DEPTH = 64;

type Key = string | number;
const join = (path: string, key: Key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);
const named = (path: string) => path || 'the document';

/** Why `value` is not plain JSON data (naming where), or null when it is. */
export function plainDataProblem(value: unknown, maxDepth = MAX_DEPTH): string | null {
  // The containers whose children are being checked: meeting one again is a cycle.
  const ancestors = new Set<object>();
  const stack: Array<{ node: object; path: string; depth: number } | { leave: object }> = [];

  const visit = (node: unknown, parent: string, key: Key | null, depth: number): string | null => {
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return null;
    const path = () => (key === null ? parent : join(parent, key));
    if (typeof node === 'number') return Number.isFinite(node) ? null : `${named(path())} is not a finite number`;
    if (typeof node !== 'object') return `${named(path())} is a ${typeof node}, not JSON data`;
    const proto = Object.getPrototypeOf(node);
    if (!Array.isArray(node) && proto !== Object.prototype && proto !== null) {
      return `${named(path())} is not plain JSON data (${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'object'})`;
    }
    if (ancestors.has(node)) return `${named(path())} refers to itself`;
    if (depth > maxDepth) return `${named(path())} is nested more than ${maxDepth} levels deep`;
    stack.push({ leave: node }, { node, path: path(), depth });
    return null;
  };

  let problem = visit(value, '', null, 1);
  while (!problem && stack.length) {
    const frame = stack.pop()!;
    if ('leave' in frame) {
      ancestors.delete(frame.leave);
      continue;
    }
    const { node, path, depth } = frame;
    ancestors.add(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length && !problem; i++) problem = visit(node[i], path, i, depth + 1);
    } else {
      for (const key of Object.keys(node)) {
        problem = visit((node as Record<string, unknown>)[key], path, key, depth + 1);
        if (problem) break;
      }
    }
  }
  return problem;
}
