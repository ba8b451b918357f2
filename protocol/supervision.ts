/**
 * EN 50136-1 alarm transmission system categories and their maximum reporting (supervision) times: a
 * contract between the panel side, whose heartbeat must go out within its path's time, and the centre,
 * which raises a transmission fault when a panel stays silent longer (EN 50136-1, "reporting time").
 * The figures (listed in protocol/README.md) are not yet confirmed against the standard's own text: this is
 * the one table to change, and the gateway keeps them overridable (GatewayOptions.heartbeatMs; the
 * gateway's schedule is gateway/heartbeat-schedule.ts).
 * Single-path SP1..SP6; dual-path DP1..DP4 give the primary and the alternative path's time.
 */
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

export interface Category {
  readonly name: CategoryName;
  /** Maximum reporting time of the primary path, ms. */
  readonly primaryMs: number;
  /** Maximum reporting time of the alternative path, ms; undefined for single-path categories. */
  readonly alternativeMs?: number;
}

export const CATEGORIES = {
  SP1: { name: "SP1", primaryMs: 32 * D },
  SP2: { name: "SP2", primaryMs: 25 * H },
  SP3: { name: "SP3", primaryMs: 30 * MIN },
  SP4: { name: "SP4", primaryMs: 180 * S },
  SP5: { name: "SP5", primaryMs: 90 * S },
  SP6: { name: "SP6", primaryMs: 20 * S },
  DP1: { name: "DP1", primaryMs: 25 * H, alternativeMs: 25 * H },
  DP2: { name: "DP2", primaryMs: 30 * MIN, alternativeMs: 25 * H },
  DP3: { name: "DP3", primaryMs: 180 * S, alternativeMs: 25 * H },
  DP4: { name: "DP4", primaryMs: 90 * S, alternativeMs: 5 * H },
} as const satisfies Record<string, { name: string; primaryMs: number; alternativeMs?: number }>;

export type CategoryName = keyof typeof CATEGORIES;

/** Bad input is each side's own typed error (GatewayError "bad-config", CentreError "bad-category"). */
export function isCategoryName(s: string): s is CategoryName {
  return Object.hasOwn(CATEGORIES, s);
}

export function category(name: CategoryName): Category {
  return CATEGORIES[name];
}
