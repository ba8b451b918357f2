/**
 * Plain-TCP logins for the demo and tests: panels log in with their id and the password provisioning
 * gave them (scrypt-hashed in the registry); centre clients with fixed credentials given at start-up.
 * Production panels use TLS client certificates instead (broker.ts).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Identity } from "../role.js";
import type { LoginCheck } from "./broker.js";

/** Either registry: the synchronous SQLite one (demo, tests) or the store port's (async, any store). */
export interface PasswordCheck {
  checkPassword(panel: string, password: string): boolean | Promise<boolean>;
}

export interface CentreLogin {
  readonly username: string;
  readonly password: string;
  readonly identity: Identity;
}

export function passwordLogin(registry: PasswordCheck | undefined, centreClients: readonly CentreLogin[] = []): LoginCheck {
  return (username, password) => {
    const c = centreClients.find((x) => x.username === username);
    if (c) return sameSecret(c.password, password) ? c.identity : undefined;
    if (!registry) return undefined;
    const ok = registry.checkPassword(username, password);
    const who = (yes: boolean): Identity | undefined => (yes ? { role: "panel", name: username } : undefined);
    return ok instanceof Promise ? ok.then(who) : who(ok);
  };
}

function sameSecret(a: string, b: string): boolean {
  const h = (s: string) => createHash("sha256").update(s).digest();
  return timingSafeEqual(h(a), h(b));
}
