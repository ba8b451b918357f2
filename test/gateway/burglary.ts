/** A new burglary event in area 1 at a fixed time, for gateway tests that need events to queue. */
import { Cid, Qualifier, type Event } from "../../protocol/index.js";

export const burglary = (zone: number, at = 1_700_000_000_000): Event => ({ code: Cid.Burglary, q: Qualifier.New, area: 1, zone, at });
