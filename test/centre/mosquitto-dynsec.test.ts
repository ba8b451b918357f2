/**
 * The dynamic-security config generated from acl.ts agrees with the embedded broker's checks: for every
 * identity and every filter kind, Mosquitto's plugin (evaluated here as 2.0.11 does: literal ACLs by
 * equality, pattern ACLs as a filter over the subscription as sent, `$share/<group>/` included) allows a
 * SUBSCRIBE exactly when maySubscribe does. The live refusal is tested in mosquitto.test.ts.
 */
import { describe, expect, it } from "vitest";
import { maySubscribe } from "../../simulator/centre/broker/acl.js";
import { dynsecConfig, panelRole, type DynsecConfig } from "../../simulator/centre/broker/mosquitto-dynsec.js";
import type { Identity } from "../../simulator/centre/role.js";

/** `+` and `#` in an ACL topic match levels of the subscription, whose own `+` is a literal level here. */
function patternMatches(acl: string, sub: string): boolean {
  const a = acl.split("/");
  const s = sub.split("/");
  for (let i = 0; i < a.length; i++) {
    if (a[i] === "#") return true;
    if (i >= s.length || (a[i] !== "+" && a[i] !== s[i])) return false;
  }
  return a.length === s.length;
}

function dynsecAllowsSubscribe(cfg: DynsecConfig, username: string, filter: string): boolean {
  const client = cfg.clients.find((c) => c.username === username);
  if (!client) return cfg.defaultACLAccess.subscribe;
  const acls = client.roles.flatMap((r) => cfg.roles.find((x) => x.rolename === r.rolename)?.acls ?? []);
  const hit = acls.find((x) => (x.acltype === "subscribeLiteral" && x.topic === filter) || (x.acltype === "subscribePattern" && patternMatches(x.topic, filter)));
  return hit ? hit.allow : cfg.defaultACLAccess.subscribe;
}

const cfg = dynsecConfig({ panels: ["P1", "P2"], receivers: ["receiver-1"], operators: ["operator-1"], disabled: [] });
const who: Identity[] = [
  { role: "panel", name: "P1" },
  { role: "receiver", name: "receiver-1" },
  { role: "operator", name: "operator-1" },
];
const filters = ["up", "down", "status"].flatMap((k) => [`alarm/v1/P1/${k}`, `alarm/v1/P2/${k}`, `alarm/v1/+/${k}`, `$share/centre/alarm/v1/+/${k}`, `$share/centre/alarm/v1/P1/${k}`]).concat(["alarm/v1/#", "#", "$CONTROL/dynamic-security/v1", "$share/centre/#"]);

describe("dynamic-security config from acl.ts", () => {
  it.each(who)("$role $name may subscribe to exactly what maySubscribe allows", (id) => {
    for (const f of filters) expect([f, dynsecAllowsSubscribe(cfg, id.name, f)]).toEqual([f, maySubscribe(id, f).ok]);
  });

  it("refuses everything no role grants: an unknown client, publishing, receiving", () => {
    expect(cfg.defaultACLAccess).toEqual({ publishClientSend: false, publishClientReceive: false, subscribe: false, unsubscribe: false });
    expect(dynsecAllowsSubscribe(cfg, "stranger", "alarm/v1/P1/down")).toBe(false);
  });

  it("a panel's role names its own topics literally (no %u/%c: they did not match on Mosquitto 2.0.11)", () => {
    const r = panelRole("P7");
    expect(r.rolename).toBe("panel-P7");
    expect(r.acls.map((a) => `${a.acltype} ${a.topic}`).sort()).toEqual(
      ["publishClientSend alarm/v1/P7/up", "publishClientSend alarm/v1/P7/status", "subscribeLiteral alarm/v1/P7/down", "publishClientReceive alarm/v1/P7/down", "unsubscribeLiteral alarm/v1/P7/down"].sort(),
    );
    expect(JSON.stringify(cfg)).not.toMatch(/%[uc]/);
  });

  it("a revoked client is listed disabled", () => {
    const c = dynsecConfig({ panels: ["P1"], receivers: [], operators: [], disabled: ["P1"] });
    expect(c.clients.find((x) => x.username === "P1")?.disabled).toBe(true);
  });
});
