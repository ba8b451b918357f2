/**
 * The centre's Prometheus metrics count what receivers report: frames, duplicates, NAKs by reason,
 * transmission faults, the commit batch size, open alarms, and the ACK latency from the frame's
 * transmission time, on a FakeClock (both sides of a histogram bucket bound).
 */
import { EventEmitter } from "node:events";
import { describe, expect, it } from "vitest";
import { FakeClock } from "../../protocol/clock.js";
import type { UplinkPayload } from "../../protocol/index.js";
import { centreMetrics } from "../../simulator/centre/cli/centre-metrics.js";
import type { OperatorQueue } from "../../simulator/centre/operator/operator-queue.js";
import type { Receiver } from "../../simulator/centre/receiver/receiver.js";

function fakeReceiver(): Receiver {
  return Object.assign(new EventEmitter(), { name: "receiver-1", stats: { commits: 2, framesCommitted: 6, duplicates: 0, naks: 0 } }) as unknown as Receiver;
}
const queue = (open: number) => ({ list: () => Array.from({ length: open }) }) as unknown as OperatorQueue;
const heartbeat = (sent: number): UplinkPayload => ({ v: 1, panel: "P1", seq: 0, sent, heartbeat: { areas: [], troubles: [], outbox: 0 } });

describe("centre metrics", () => {
  it("counts frames, duplicates, NAKs by reason and faults; batch size and open alarms at scrape time", async () => {
    const m = centreMetrics(queue(3));
    const r = fakeReceiver();
    m.watch(r);
    r.emit("stored", "P1", 1, heartbeat(0));
    r.emit("duplicate", "P1", 1);
    r.emit("nak", "P1", 2, "stale");
    r.emit("nak", "P1", 3, "stale");
    r.emit("nak", "P2", 1, "bad-signature");
    r.emit("transmission-fault", { panel: "P3", alarmId: 1, lastSeen: 0, deadline: 1 });
    const text = await m.registry.metrics();
    expect(text).toMatch(/alarm_centre_frames_stored_total\{receiver="receiver-1"\} 1\n/);
    expect(text).toMatch(/alarm_centre_frames_duplicate_total\{receiver="receiver-1"\} 1\n/);
    expect(text).toMatch(/alarm_centre_naks_total\{reason="stale"\} 2\n/);
    expect(text).toMatch(/alarm_centre_naks_total\{reason="bad-signature"\} 1\n/);
    expect(text).toMatch(/alarm_centre_transmission_faults_total 1\n/);
    expect(text).toMatch(/alarm_centre_commit_batch_size 3\n/);
    expect(text).toMatch(/alarm_centre_open_alarms 3\n/);
  });

  it("ACK latency runs from the frame's transmission time to its ACK: 10 ms falls in the 0.01 s bucket, 11 ms does not", async () => {
    const clock = new FakeClock(1_000_000);
    const m = centreMetrics(queue(0), () => clock.now());
    const r = fakeReceiver();
    m.watch(r);
    r.emit("stored", "P1", 1, heartbeat(clock.now() - 10));
    r.emit("acked", "P1", [1]);
    let text = await m.registry.metrics();
    expect(text).toMatch(/alarm_centre_ack_latency_seconds_bucket\{le="0.01"\} 1\n/);
    r.emit("stored", "P1", 2, heartbeat(clock.now() - 11));
    r.emit("acked", "P1", [2]);
    // A re-ACK of a frame already counted adds nothing.
    r.emit("acked", "P1", [1, 2]);
    text = await m.registry.metrics();
    expect(text).toMatch(/alarm_centre_ack_latency_seconds_bucket\{le="0.01"\} 1\n/);
    expect(text).toMatch(/alarm_centre_ack_latency_seconds_count 2\n/);
  });
});
