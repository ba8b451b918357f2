/**
 * Moved to protocol/supervision.ts (the one EN 50136 table, shared with the centre). This re-export stays
 * only while simulator/system.ts still imports CategoryName from here; delete it once that import moves.
 */
export type { Category, CategoryName } from "../protocol/supervision.js";
