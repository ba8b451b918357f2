/** One-field mutations of valid payloads, for the tests that hold a hand-written guard to its zod schema. */
import fc from "fast-check";

export const anyValue = fc.oneof(
  fc.integer({ min: -2, max: 1200 }),
  fc.constantFrom(0, 1, 2, 16, 17, 32, 33, 64, 65, 255, 256, 999, 1000, 1.5, -0, NaN, Infinity, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
  fc.constantFrom("", "away", "chaos", "malformed", "x".repeat(64), "x".repeat(65), "bad/id", "P1"),
  fc.constantFrom(null, undefined, true, false, [], {}, [1], [{}]),
  fc.string({ maxLength: 3 }),
);

export type Path = (string | number)[];

/** Every place in a JSON-like value: object keys and array indices, depth first. */
export function paths(v: unknown, at: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...at, i], ...paths(x, [...at, i])]);
  if (typeof v === "object" && v !== null) return Object.entries(v).flatMap(([k, x]) => [[...at, k], ...paths(x, [...at, k])]);
  return [];
}

/** A deep copy of `v` with the place at `path` set to `to`, deleted, or given an extra sibling key. */
export function mutate(v: unknown, path: Path, action: "set" | "delete" | "extra", to: unknown, extraKey: string): unknown {
  const copy = structuredClone(v) as Record<string | number, unknown>;
  let parent = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (action === "set") parent[last] = to;
  else if (action === "delete") {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (!Array.isArray(parent)) parent[extraKey] = to;
  else parent.push(to);
  return copy;
}

/** Valid values of `valid`, each with one place changed, removed or given an extra key (one of `extraKeys`). */
export function mutated(valid: fc.Arbitrary<unknown>, extraKeys: readonly string[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom("set" as const, "delete" as const, "extra" as const), anyValue, fc.constantFrom(...extraKeys))
    .map(([p, n, action, to, extraKey]) => {
      const all = paths(p);
      return mutate(p, all[n % all.length]!, action, to, extraKey);
    });
}
