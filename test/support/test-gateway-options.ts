/**
 * Gateway options for tests that run a real Gateway against a broker: a short ACK timeout and reconnect
 * backoff so a lost frame or link comes back within the test, an empty status, and no panel core behind
 * it. The caller names the panel, its keys, outbox and brokers, and overrides what its test is about.
 */
import type { GatewayOptions } from "../../gateway/gateway.js";

export type TestGatewayOptions = Pick<GatewayOptions, "panel" | "signer" | "centreKey" | "db" | "brokers"> & Partial<GatewayOptions>;

export function testGatewayOptions(o: TestGatewayOptions): GatewayOptions {
  return {
    category: "SP6",
    ackTimeoutMs: 300,
    backoff: { baseMs: 50, capMs: 400 },
    status: () => ({ areas: [], troubles: [] }),
    onCommand: (cmd) => ({ id: cmd.id, ok: false, error: "unavailable" }),
    onLink: () => {},
    ...o,
  };
}
