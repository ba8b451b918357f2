/**
 * The panel configuration schema (zod). Types are inferred from it, so it is the one source of truth for
 * what a config file may say. Defaults follow EN 50131-1 grade 2.
 */
import { z } from "zod";
import { AreaNo, Permission } from "../../protocol/index.js";
import { MAX_ENTRY_DELAY_MS } from "../core/entry-delay.js";

/** The entry time limit is the entry delay's own rule (core/entry-delay.ts); re-exported for config users. */
export { MAX_ENTRY_DELAY_MS };
/** Siren time limit: default 3 min, at most 15 min (a sounder must not run on indefinitely). */
export const MAX_SIREN_MS = 15 * 60_000;

export const ZoneTypes = ["instant", "entry-exit", "follower", "24h", "fire", "panic", "tamper", "technical"] as const;
export const ZoneType = z.enum(ZoneTypes);
export type ZoneType = z.infer<typeof ZoneType>;

const Pin = z.union([z.int().min(0).max(255), z.string().min(1).max(16)]);

export const ZoneConfig = z.strictObject({
  zone: z.int().min(1).max(999),
  name: z.string().max(32).optional(),
  type: ZoneType,
  pin: Pin,
  /** NC: the contact is closed while secure (the usual, cut-wire-safe choice); NO: open while secure. */
  wiring: z.enum(["NC", "NO"]).default("NC"),
  debounceMs: z.int().min(0).max(5_000).default(50),
  areas: z.array(AreaNo).min(1).max(32),
  chime: z.boolean().default(false),
  bypassable: z.boolean().default(true),
  /** Open at arming: bypassed automatically (570) instead of refusing the arm. */
  forceArm: z.boolean().default(false),
  /** Interior zones are not armed in stay, nor in night unless `night` is set. */
  interior: z.boolean().default(false),
  night: z.boolean().default(false),
  /** Panic/hold-up zones: silent (122) or audible (123). */
  silent: z.boolean().default(false),
});
export type ZoneConfig = z.infer<typeof ZoneConfig>;

/** A stored code: `scrypt$N$r$p$salt-b64$hash-b64`. Plain codes never appear in a config file. */
export const CodeHash = z.string().regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, "scrypt$N$r$p$salt$hash");

export const UserConfig = z.strictObject({
  user: z.int().min(1).max(999),
  name: z.string().max(32).optional(),
  codeHash: CodeHash,
  areas: z.array(AreaNo).min(1).max(32),
  perms: z.array(Permission).max(3).default(["disarm"]),
  duress: z.boolean().default(false),
  validFrom: z.int().min(0).optional(),
  validUntil: z.int().min(0).optional(),
  once: z.boolean().default(false),
  /** Access level 3 (EN 50131-1): usable only while a level-2 user's authorisation lasts. */
  installer: z.boolean().default(false),
});
export type UserConfig = z.infer<typeof UserConfig>;

/** Physical key labels of a 4x4 membrane keypad, row by row. */
const DEFAULT_LAYOUT = [
  ["1", "2", "3", "A"],
  ["4", "5", "6", "B"],
  ["7", "8", "9", "C"],
  ["*", "0", "#", "D"],
];

/**
 * A matrix keypad on GPIO (a real Pi): rows driven LOW one at a time, columns read with pull-ups.
 * Labels that are not digits or `*` are mapped to function keys by `keys`.
 */
export const KeypadConfig = z
  .strictObject({
    rows: z.array(Pin).min(1).max(8),
    cols: z.array(Pin).min(1).max(8),
    layout: z.array(z.array(z.string().min(1).max(8))).default(DEFAULT_LAYOUT),
    keys: z.record(z.string(), z.enum(["away", "stay", "night", "off", "bypass", "auth", "program", "clear", "panic", "fire"])).default({ A: "away", B: "stay", C: "night", D: "off", "#": "bypass" }),
    /** Two keys held together: panic combinations (a keypad hold-up device, EN 50131-1 hold-up alarm). */
    combos: z.strictObject({ panic: z.tuple([z.string(), z.string()]).optional(), fire: z.tuple([z.string(), z.string()]).optional() }).default({ panic: ["*", "#"], fire: ["1", "3"] }),
    scanMs: z.int().min(1).max(100).default(10),
  })
  .superRefine((k, ctx) => {
    if (k.layout.length !== k.rows.length || k.layout.some((r) => r.length !== k.cols.length)) {
      ctx.addIssue({ code: "custom", path: ["layout"], message: `layout must be ${k.rows.length} rows of ${k.cols.length} labels` });
    }
  });
export type KeypadConfig = z.infer<typeof KeypadConfig>;

/**
 * Who may override a condition that prevents setting (EN 50131-1 8.3, prevention and overriding of
 * setting): 2 = a user (access level 2) holding the `bypass` permission, 3 = the installer only (who
 * cannot set: so in practice the condition must be cleared), "never" = nobody. Open zones are never
 * overridden: they are bypassed (570) instead.
 */
export const OverrideLevel = z.union([z.literal(2), z.literal(3), z.literal("never")]);
export type OverrideLevel = z.infer<typeof OverrideLevel>;
/** Grade 2 defaults as we read the standard: faults by a level-2 user, tampers by the installer only. */
export const SettingOverride = z.strictObject({
  acLost: OverrideLevel.default(2),
  batteryLow: OverrideLevel.default(2),
  linkDown: OverrideLevel.default(2),
  /** Events cannot be stored for the centre (354): a fault of the transmission path, as linkDown. */
  storeFailed: OverrideLevel.default(2),
  tamper: OverrideLevel.default(3),
});
export type SettingOverride = z.infer<typeof SettingOverride>;

const Timing = z.strictObject({
  exitDelayMs: z.int().min(0).max(255_000).default(30_000),
  entryDelayMs: z.int().min(0).max(MAX_ENTRY_DELAY_MS, `entry delay above ${MAX_ENTRY_DELAY_MS} ms breaks EN 50131-1`).default(30_000),
  sirenLimitMs: z.int().min(0).max(MAX_SIREN_MS, `siren limit above ${MAX_SIREN_MS} ms (15 min)`).default(180_000),
  /** Swinger shutdown: a burglary zone stops triggering after this many alarms in one armed period. */
  swingerLimit: z.int().min(1).max(15).default(3),
  /** EN 50131-1: an alarm during unsetting is notified only after the entry time and this much siren. 0: at once. */
  unsetDeferralMs: z.int().min(0).max(120_000).default(30_000),
  wrongCodeLimit: z.int().min(1).max(50).default(10),
  lockoutMs: z.int().min(1_000).max(3_600_000).default(90_000),
  periodicTestMs: z.int().min(60_000).max(32 * 86_400_000).default(86_400_000),
  installerWindowMs: z.int().min(60_000).max(7 * 86_400_000).default(3_600_000),
});

export const PanelConfig = z
  .strictObject({
    grade: z.union([z.literal(2), z.literal(3)]).default(2),
    /** Minimum digits of a new code; default 4 at grade 2, 6 at grade 3. */
    minCodeLength: z.int().min(4).max(8).optional(),
    io: z.enum(["sim", "raspi"]).default("sim"),
    timing: Timing.prefault({}),
    /** Prevention of setting: which level may override each condition at setting. */
    override: SettingOverride.prefault({}),
    areas: z.array(z.strictObject({ area: AreaNo, name: z.string().max(32).optional() })).min(1).max(32),
    zones: z.array(ZoneConfig).max(256).default([]),
    outputs: z
      .strictObject({
        siren: Pin.optional(),
        strobe: Pin.optional(),
        armedLed: Pin.optional(),
        troubleLed: Pin.optional(),
        memoryLed: Pin.optional(),
      })
      .prefault({}),
    keypad: KeypadConfig.optional(),
    users: z.array(UserConfig).max(999).default([]),
    /** scrypt cost for codes hashed on the panel (user-add/change). Lower only in tests. */
    scrypt: z.strictObject({ N: z.int().min(2).default(16_384), r: z.int().min(1).default(8), p: z.int().min(1).default(1) }).prefault({}),
    eventLog: z.strictObject({ capacity: z.int().min(10_000).max(1_000_000).default(10_000) }).prefault({}),
  })
  .superRefine((c, ctx) => {
    const areaNos = new Set(c.areas.map((a) => a.area));
    const dup = <T>(xs: T[], at: (string | number)[], what: string) => {
      const seen = new Set<T>();
      xs.forEach((x, i) => {
        if (seen.has(x)) ctx.addIssue({ code: "custom", path: [...at, i], message: `duplicate ${what} ${String(x)}` });
        seen.add(x);
      });
    };
    dup(c.areas.map((a) => a.area), ["areas"], "area");
    dup(c.zones.map((z) => z.zone), ["zones"], "zone");
    dup(c.users.map((u) => u.user), ["users"], "user");
    const keypadPins = c.keypad ? [...c.keypad.rows, ...c.keypad.cols] : [];
    dup([...c.zones.map((z) => String(z.pin)), ...Object.values(c.outputs).filter((p) => p !== undefined).map(String), ...keypadPins.map(String)], ["pins"], "pin");
    c.zones.forEach((z, i) => z.areas.forEach((a, j) => {
      if (!areaNos.has(a)) ctx.addIssue({ code: "custom", path: ["zones", i, "areas", j], message: `area ${a} is not configured` });
    }));
    c.users.forEach((u, i) => {
      if (u.validFrom !== undefined && u.validUntil !== undefined && u.validUntil <= u.validFrom) {
        ctx.addIssue({ code: "custom", path: ["users", i, "validUntil"], message: "validUntil must be after validFrom" });
      }
    });
  });
export type PanelConfig = z.infer<typeof PanelConfig>;
export type PanelConfigInput = z.input<typeof PanelConfig>;

export function minCodeLength(c: PanelConfig): number {
  return c.minCodeLength ?? (c.grade === 3 ? 6 : 4);
}
