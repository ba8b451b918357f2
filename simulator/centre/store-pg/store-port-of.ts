/**
 * The port for either a port or today's synchronous CentreStore, so callers that open a CentreStore
 * themselves (the demo, the provisioning tools, tests) hand it to the receiver unchanged.
 */
import { CentreStore } from "../store/centre-store.js";
import type { CentreStorePort } from "./port.js";
import { SqliteCentreStore } from "./sqlite-store.js";

export function storePortOf(store: CentreStore | CentreStorePort): CentreStorePort {
  return store instanceof CentreStore ? SqliteCentreStore.over(store) : store;
}
