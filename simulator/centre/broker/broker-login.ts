/**
 * Plain-TCP logins for the demo and tests: panels log in with their id and the password provisioning
 * gave them (scrypt-hashed in the registry); centre clients with fixed credentials given at start-up.
 * Production panels use TLS client certificates instead (broker.ts).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Identity } from "../role.js";
import type { LoginCheck } from "./broker.js";
import type { PanelRegistry } from "../store/registry.js";

export interface CentreLogin {
  readonly username: string;
  readonly password: string;
  readonly identity: Identity;
}

export function passwordLogin(registry: PanelRegistry | undefined, centreClients: readonly CentreLogin[] = []): LoginCheck {
  return (username, password) => {
    const c = centreClients.find((x) => x.username === username);
    if (c) return sameSecret(c.password, password) ? c.identity : undefined;
    if (registry?.checkPassword(username, password)) return { role: "panel", name: username };
    return undefined;
  };
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
