/**
 * What crosses between the centre's thread (broker-thread.ts) and the broker's (broker-worker.ts): only
 * data (structured clone), so the parts of the broker that are functions in-process (the login, the
 * revocation check, the logger, the reload clock) are named here by what rebuilds them on the other side.
 */
import type { LogLevel } from "../logger.js";
import type { CentreLogin } from "./broker-login.js";

/** How plain-TCP logins are checked in the broker's thread. */
export type ThreadLogin =
  /** Panels by their password in the registry of the store at `store` (path or postgres:// URL); centre clients by fixed credentials. */
  | { readonly kind: "registry"; readonly store: string; readonly centreClients?: readonly CentreLogin[] }
  /** Any username and password: `receiver…` is a receiver, anything else the panel of that name. Benchmarks on loopback only. */
  | { readonly kind: "by-username" };

/** The broker's options that can cross a thread. */
export interface BrokerThreadData {
  readonly host?: string;
  readonly port?: number | null;
  readonly tls?: { readonly port?: number; readonly key: string; readonly cert: string; readonly ca: string };
  readonly login?: ThreadLogin;
  /** TLS connects checked against the revoked serials of this store and of `dir`/crl.pem (centre-revocation.ts). */
  readonly revocation?: { readonly store: string; readonly dir: string; readonly everyMs?: number };
}

export interface ThreadError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  /** A CodedError's message without its "code: " prefix. */
  readonly coded?: string;
}

export type ToWorker =
  | { readonly t: "kick"; readonly id: number; readonly name: string }
  | { readonly t: "kick-serials"; readonly id: number; readonly serials: readonly string[] }
  | { readonly t: "fire"; readonly timer: number }
  | { readonly t: "close" };

export type FromWorker =
  | { readonly t: "ready"; readonly port?: number; readonly tlsPort?: number; readonly revocationPeriodMs?: number }
  | { readonly t: "failed"; readonly error: ThreadError }
  | { readonly t: "log"; readonly level: LogLevel; readonly msg: string; readonly fields?: Readonly<Record<string, unknown>> }
  | { readonly t: "kicked"; readonly id: number; readonly n: number }
  | { readonly t: "schedule"; readonly timer: number; readonly ms: number }
  | { readonly t: "cancel"; readonly timer: number }
  | { readonly t: "closed" };
