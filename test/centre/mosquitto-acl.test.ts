/**
 * One source of ACL truth: the Mosquitto acl_file is written from acl.ts, and read the way Mosquitto
 * reads it (pattern lines with %u, per-user topic lines, `+` wildcards, read checked per delivered topic)
 * it allows exactly what the embedded broker's pure functions allow, on every topic kind.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { topicMatches } from "../../protocol/topic-filter.js";
import { mayPublish, maySubscribe } from "../../simulator/centre/broker/acl.js";
import { SHIPPED_CLIENTS, aclGrants } from "../../simulator/centre/broker/acl-grants.js";
import { SHIPPED_ACL, mosquittoAcl } from "../../simulator/centre/broker/mosquitto-acl.js";
import type { Identity } from "../../simulator/centre/role.js";

/** Mosquitto's acl_file semantics, enough for what we generate: may `user` read or write `topic`? */
function mosquittoAllows(acl: string, user: string, access: "read" | "write", topic: string): boolean {
  let current: string | undefined;
  for (const raw of acl.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [word, a, b] = line.split(/\s+/);
    if (word === "user") {
      current = a;
      continue;
    }
    const [lineAccess, filter] = b === undefined ? ["readwrite", a!] : [a!, b];
    const grants = lineAccess === "readwrite" || lineAccess === access;
    if (word === "pattern" && grants && topicMatches(filter.replaceAll("%u", user), topic)) return true;
    if (word === "topic" && current === user && grants && topicMatches(filter, topic)) return true;
  }
  return false;
}

const acl = mosquittoAcl(SHIPPED_CLIENTS);
const KINDS = ["up", "down", "status"] as const;
const identities: Identity[] = [
  { role: "panel", name: "P1" },
  { role: "receiver", name: "receiver-1" },
  { role: "receiver", name: "receiver-2" },
  { role: "operator", name: "operator-1" },
];

describe("Mosquitto ACL generated from acl.ts", () => {
  it("the shipped mosquitto/acl is the generator's output (regenerate: npx tsx simulator/centre/broker/mosquitto-acl.ts)", () => {
    expect(readFileSync(SHIPPED_ACL, "utf8")).toBe(acl);
  });

  for (const who of identities) {
    it(`${who.role} ${who.name}: same publish and read rights on own and other panels' up, down and status`, () => {
      for (const panel of ["P1", "P2"]) {
        for (const kind of KINDS) {
          const topic = `alarm/v1/${panel}/${kind}`;
          expect(mosquittoAllows(acl, who.name, "write", topic), `write ${topic}`).toBe(mayPublish(who, topic, false).ok);
          expect(mosquittoAllows(acl, who.name, "read", topic), `read ${topic}`).toBe(maySubscribe(who, topic).ok);
        }
      }
    });
  }

  it("receivers' wildcard and $share subscriptions cover exactly the topics Mosquitto lets them read", () => {
    for (const name of SHIPPED_CLIENTS.receivers) {
      const who: Identity = { role: "receiver", name };
      for (const kind of KINDS) {
        const topic = `alarm/v1/P7/${kind}`;
        for (const filter of [`alarm/v1/+/${kind}`, `$share/centre/alarm/v1/+/${kind}`]) {
          expect(maySubscribe(who, filter).ok, filter).toBe(mosquittoAllows(acl, name, "read", topic));
        }
      }
    }
  });

  it("for any panel id, a panel's rights agree on its own and another panel's topics", () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    fc.assert(
      fc.property(id, id, fc.constantFrom(...KINDS), (a, b, kind) => {
        const who: Identity = { role: "panel", name: a };
        for (const topic of [`alarm/v1/${a}/${kind}`, `alarm/v1/${b}/${kind}`]) {
          expect(mosquittoAllows(acl, a, "write", topic)).toBe(mayPublish(who, topic, false).ok);
          expect(mosquittoAllows(acl, a, "read", topic)).toBe(maySubscribe(who, topic).ok);
        }
      }),
    );
  });

  it("what acl_file cannot say is enforced only by the embedded broker: retained uplinks, operators' $share", () => {
    const panel: Identity = { role: "panel", name: "P1" };
    expect(mosquittoAllows(acl, "P1", "write", "alarm/v1/P1/up")).toBe(true);
    expect(mayPublish(panel, "alarm/v1/P1/up", true).ok).toBe(false);
    const operator: Identity = { role: "operator", name: "operator-1" };
    expect(mosquittoAllows(acl, "operator-1", "read", "alarm/v1/P1/status")).toBe(true);
    expect(maySubscribe(operator, "$share/ops/alarm/v1/+/status").ok).toBe(false);
  });

  it("a client not named gets nothing from Mosquitto; each named one gets its role's grants", () => {
    expect(mosquittoAllows(acl, "receiver-9", "read", "alarm/v1/P1/up")).toBe(false);
    const custom = mosquittoAcl({ receivers: ["r-a"], operators: [] });
    expect(mosquittoAllows(custom, "r-a", "write", "alarm/v1/P1/down")).toBe(true);
    expect(mosquittoAllows(custom, "receiver-1", "read", "alarm/v1/P1/up")).toBe(false);
    expect(aclGrants({ receivers: [], operators: [] }).every((g) => g.role === "panel")).toBe(true);
  });
});
