/** fast-check generators for valid protocol v1 payloads, drawn from the event catalogue. */
import fc from "fast-check";
import { ACK_MAX_FRAMES, ArmModes, CommandErrorCode, EVENTS, type AckPayload, type Event, type UplinkPayload } from "../../protocol/index.js";

const millis = fc.integer({ min: 1_600_000_000_000, max: 2_500_000_000_000 });
export const panelId = fc.stringMatching(/^[A-Za-z0-9_-]{1,10}$/);

export const event = (sent: number): fc.Arbitrary<Event> =>
  fc.record({
    def: fc.constantFrom(...EVENTS),
    q: fc.constantFrom(1 as const, 3 as const, 6 as const),
    area: fc.integer({ min: 0, max: 255 }),
    num: fc.integer({ min: 0, max: 999 }),
    age: fc.integer({ min: 0, max: 86_400_000 }),
  }).map(({ def, q, area, num, age }) => ({
    code: def.code,
    q,
    area,
    ...(def.number === "zone" ? { zone: num } : def.number === "user" ? { user: num } : {}),
    at: sent - age,
  }));

export const uplinkPayload: fc.Arbitrary<UplinkPayload> = fc
  .record({ panel: panelId, seq: fc.maxSafeNat(), sent: millis, kind: fc.constantFrom("events", "heartbeat", "result") })
  .chain(({ panel, seq, sent, kind }): fc.Arbitrary<UplinkPayload> => {
    const headOf = { v: 1 as const, panel, seq, sent };
    if (kind === "events") return fc.array(event(sent), { minLength: 1, maxLength: 16 }).map((events) => ({ ...headOf, events }));
    if (kind === "heartbeat") {
      return fc
        .record({
          areas: fc.array(fc.record({ area: fc.integer({ min: 0, max: 255 }), mode: fc.constantFrom(...ArmModes) }), { maxLength: 8 }),
          troubles: fc.array(fc.constantFrom(301, 302, 350, 351, 352), { maxLength: 5 }),
          outbox: fc.nat(),
        })
        .map((heartbeat) => ({ ...headOf, heartbeat }));
    }
    return fc
      .record({ id: fc.string({ minLength: 1, maxLength: 64 }), ok: fc.boolean(), error: fc.option(fc.constantFrom(...CommandErrorCode.options), { nil: undefined }) })
      .map(({ id, ok, error }) => ({ ...headOf, result: error === undefined ? { id, ok } : { id, ok, error } }));
  });

/** A valid batch frame's payload (event-batch.ts): 2-128 events of one priority class, seqs rising from `seq`. */
export const batchPayload: fc.Arbitrary<UplinkPayload> = fc
  .record({ panel: panelId, seq: fc.nat({ max: 2 ** 40 }), sent: millis, priority: fc.constantFrom(...new Set(EVENTS.map((d) => d.priority))), n: fc.integer({ min: 2, max: 128 }) })
  .chain(({ panel, seq, sent, priority, n }) =>
    fc
      .tuple(
        fc.array(event(sent).filter((e) => EVENTS.find((d) => d.code === e.code)!.priority === priority), { minLength: n, maxLength: n }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: n - 1, maxLength: n - 1 }),
      )
      .map(([events, steps]) => {
        const seqs = [seq];
        for (const d of steps) seqs.push(seqs[seqs.length - 1]! + d);
        return { v: 1 as const, panel, seq, sent, events, seqs };
      }),
  );

/** A frame ref (frame-ref.ts): 16 lower-case hex digits. */
export const frameRefText = fc.stringMatching(/^[0-9a-f]{16}$/);

/** A valid ACK payload of 1..ACK_MAX_FRAMES (seq, ref) pairs, its `sent` and seqs drawn from `uint`. */
export const ackPayload = (uint: fc.Arbitrary<number>): fc.Arbitrary<AckPayload> =>
  fc
    .record({ panel: panelId, sent: uint, pairs: fc.array(fc.tuple(uint, frameRefText), { minLength: 1, maxLength: ACK_MAX_FRAMES }) })
    .map(({ panel, sent, pairs }) => ({ v: 1 as const, panel, sent, ack: { seqs: pairs.map(([s]) => s), refs: pairs.map(([, r]) => r) } }));
