/**
 * MQTT topic filters as every side reads them: `+` and `#` wildcards (MQTT 3.1.1 §4.7) and shared
 * subscriptions `$share/<group>/<filter>` (MQTT v5 §4.8.2). The centre's broker, its ACL and the
 * simulated broker all match with these, so they cannot disagree on what a filter covers.
 */

/** Whether `filter` covers `topic`; `$` topics never match a leading wildcard (MQTT 3.1.1 §4.7.2). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split("/");
  const t = topic.split("/");
  if (topic.startsWith("$") && (f[0] === "+" || f[0] === "#")) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length) return false;
    if (f[i] !== "+" && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Split `$share/<group>/<filter>`; undefined for an ordinary filter. */
export function parseShared(filter: string): { readonly group: string; readonly filter: string } | undefined {
  const m = /^\$share\/([^/+#]+)\/(.+)$/.exec(filter);
  return m ? { group: m[1]!, filter: m[2]! } : undefined;
}
