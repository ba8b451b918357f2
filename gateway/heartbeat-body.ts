/**
 * The heartbeat body: the summary status EN 50136 supervision carries (areas, troubles, outbox depth).
 * A status() that throws or does not fit the schema must not stop supervision: the heartbeat still
 * goes, with an empty summary, and the fault is reported.
 */
import { Heartbeat } from "../protocol/index.js";

export function heartbeatBody(status: () => Omit<Heartbeat, "outbox">, outbox: number, statusFailed: (message: string) => void): Heartbeat {
  try {
    const r = Heartbeat.safeParse({ ...status(), outbox });
    if (r.success) return r.data;
    statusFailed(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  } catch (e) {
    statusFailed(String((e as Error)?.message ?? e));
  }
  return { areas: [], troubles: [], outbox };
}
