/** Topic access rules of the centre broker, as a pure function. */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mayPublish, maySubscribe, mayUseClientId, stripShare } from "../../simulator/centre/broker/acl.js";
import type { Identity } from "../../simulator/centre/role.js";
import { SharedSubscriptions } from "../../simulator/centre/broker/broker-shared.js";
import { parseShared, topicMatches } from "../../protocol/topic-filter.js";

const A: Identity = { role: "panel", name: "A" };
const R: Identity = { role: "receiver", name: "r1" };
const O: Identity = { role: "operator", name: "ann" };
const ok = { ok: true };

describe("panel rights", () => {
  it("publishes only its own up (not retained) and status; subscribes only its own down", () => {
    expect(mayPublish(A, "alarm/v1/A/up", false)).toEqual(ok);
    expect(mayPublish(A, "alarm/v1/A/status", true)).toEqual(ok);
    expect(mayPublish(A, "alarm/v1/A/up", true).ok).toBe(false);
    expect(mayPublish(A, "alarm/v1/B/up", false).ok).toBe(false);
    expect(mayPublish(A, "alarm/v1/B/status", true).ok).toBe(false);
    expect(mayPublish(A, "alarm/v1/A/down", false).ok).toBe(false);
    expect(maySubscribe(A, "alarm/v1/A/down")).toEqual(ok);
    for (const f of ["alarm/v1/B/down", "alarm/v1/+/down", "alarm/v1/#", "#", "alarm/v1/A/up", "$share/x/alarm/v1/A/down", "$SYS/#"]) expect(maySubscribe(A, f).ok).toBe(false);
  });

  it("for every pair of distinct panels, one can never reach the other's topics", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    fc.assert(
      fc.property(id, id, fc.constantFrom("up", "down", "status"), fc.boolean(), (a, b, kind, retain) => {
        fc.pre(a !== b);
        const who: Identity = { role: "panel", name: a };
        expect(mayPublish(who, `alarm/v1/${b}/${kind}`, retain).ok).toBe(false);
        expect(maySubscribe(who, `alarm/v1/${b}/${kind}`).ok).toBe(false);
      }),
    );
  });
});

describe("centre roles", () => {
  it("receivers read uplinks (plain or shared) and status, and write non-retained downlinks only", () => {
    for (const f of ["$share/centre/alarm/v1/+/up", "alarm/v1/+/up", "alarm/v1/+/status", "alarm/v1/P7/up"]) expect(maySubscribe(R, f)).toEqual(ok);
    for (const f of ["alarm/v1/+/down", "#", "alarm/v1/#", "$share/centre/#"]) expect(maySubscribe(R, f).ok).toBe(false);
    expect(mayPublish(R, "alarm/v1/P7/down", false)).toEqual(ok);
    expect(mayPublish(R, "alarm/v1/P7/down", true).ok).toBe(false);
    expect(mayPublish(R, "alarm/v1/P7/up", false).ok).toBe(false);
  });

  it("operators only watch status", () => {
    expect(maySubscribe(O, "alarm/v1/+/status")).toEqual(ok);
    expect(maySubscribe(O, "alarm/v1/+/up").ok).toBe(false);
    expect(mayPublish(O, "alarm/v1/P1/down", false).ok).toBe(false);
  });

  it("client ids cannot be taken across identities", () => {
    expect(mayUseClientId(A, "A")).toEqual(ok);
    expect(mayUseClientId(A, "A:gw2")).toEqual(ok);
    expect(mayUseClientId(A, "B").ok).toBe(false);
    expect(mayUseClientId(A, "AB").ok).toBe(false);
    expect(mayUseClientId(A, "receiver@r1").ok).toBe(false);
    expect(mayUseClientId(R, "receiver@r1")).toEqual(ok);
    expect(mayUseClientId(R, "A").ok).toBe(false);
  });
});

describe("shared subscriptions", () => {
  it("strips $share/<group>/ and matches filters like a broker", () => {
    expect(stripShare("$share/centre/alarm/v1/+/up")).toBe("alarm/v1/+/up");
    expect(parseShared("$share/centre/alarm/v1/+/up")).toEqual({ group: "centre", filter: "alarm/v1/+/up" });
    expect(parseShared("alarm/v1/+/up")).toBeUndefined();
    expect(topicMatches("alarm/v1/+/up", "alarm/v1/P1/up")).toBe(true);
    expect(topicMatches("alarm/v1/+/up", "alarm/v1/P1/down")).toBe(false);
    expect(topicMatches("alarm/#", "alarm/v1/P1/up")).toBe(true);
    expect(topicMatches("#", "$SYS/x")).toBe(false);
    expect(topicMatches("alarm/v1/+", "alarm/v1/P1/up")).toBe(false);
  });
});
