/**
 * A stored row under its domain names: each snake_case column becomes its camelCase field, values
 * unchanged. For repos whose SELECT names exactly the columns their domain type has.
 */

type Camel<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}` : S;

export type CamelRow<R> = { [K in keyof R & string as Camel<K>]: R[K] };

export function camelRow<R extends object>(r: R): CamelRow<R> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
  return out as CamelRow<R>;
}
