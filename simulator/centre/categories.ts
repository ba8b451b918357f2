/**
 * EN 50136-1 alarm transmission categories and their maximum reporting (supervision) times for the
 * primary path (DOMAIN.md; numbers unconfirmed, hence one table to change). A panel that stays silent
 * longer than its time is a transmission fault (EN 50136-1, "reporting time").
 */
import { CentreError } from "./errors.js";

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const D = 24 * H;

export const SUPERVISION_MS = {
  SP1: 32 * D,
  SP2: 25 * H,
  SP3: 30 * MIN,
  SP4: 180 * S,
  SP5: 90 * S,
  SP6: 20 * S,
  // Dual path: the primary path's reporting time (DP1 25 h/25 h, DP2 30 min/25 h, DP3 180 s/25 h, DP4 90 s/5 h).
  DP1: 25 * H,
  DP2: 30 * MIN,
  DP3: 180 * S,
  DP4: 90 * S,
} as const;

export type Category = keyof typeof SUPERVISION_MS;
export const CATEGORIES = Object.keys(SUPERVISION_MS) as Category[];

export function isCategory(s: string): s is Category {
  return Object.hasOwn(SUPERVISION_MS, s);
}

export function supervisionMs(category: string): number {
  if (!isCategory(category)) throw new CentreError("bad-category", `unknown EN 50136 category ${JSON.stringify(category)}`);
  return SUPERVISION_MS[category];
}
