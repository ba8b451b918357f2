/** What the outside world may feed PanelRuntime.input(): keys, zone changes, power and link state. */
import { z } from "zod";
import { FUNCTION_KEYS } from "./keypad-entry.js";

const ZoneNo = z.int().min(1).max(999);
export const RuntimeInput = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("key"), key: z.union([z.string().regex(/^[0-9*]$/), z.enum(FUNCTION_KEYS)]) }),
  /** A zone change that skips the GPIO and its debounce (e.g. a wireless zone, or a test). */
  z.strictObject({ type: z.literal("zone"), zone: ZoneNo, active: z.boolean() }),
  z.strictObject({ type: z.literal("tamper"), zone: ZoneNo, active: z.boolean() }),
  z.strictObject({ type: z.literal("ac"), ok: z.boolean() }),
  z.strictObject({ type: z.literal("battery"), low: z.boolean() }),
  /** From the gateway: the path to the centre is up or down (350 communication trouble). */
  z.strictObject({ type: z.literal("link"), up: z.boolean() }),
  /** From the device wiring: the gateway's outbox stores events again, or refuses them (354). */
  z.strictObject({ type: z.literal("store"), ok: z.boolean() }),
]);
export type RuntimeInput = z.infer<typeof RuntimeInput>;
