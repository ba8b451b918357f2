/**
 * The registry's inputs as zod schemas: the services and the HTTP API validate with the same ones, and
 * JSON read back from the database is checked by the schema that wrote it.
 */
import { z } from "zod";
import { PanelId } from "../../../protocol/schema.js";

export const Hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "HH:MM, 00:00 to 23:59");
/** A day that exists in the (proleptic Gregorian, ISO 8601) calendar: no 30 February; years from 1900, since
 * Date.UTC reads years 0-99 as 1900-1999 and the due-date arithmetic runs on it. */
export const IsoDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, "YYYY-MM-DD")
  .refine((s) => {
    const [y, m, d] = s.split("-").map(Number) as [number, number, number];
    return y >= 1900 && new Date(Date.UTC(y, m - 1, d)).getUTCDate() === d;
  }, "YYYY-MM-DD, a day that exists (from 1900)");

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return tz.length > 0;
  } catch {
    return false;
  }
}, "an IANA time zone such as Europe/Berlin");

const InstallationFields = {
  name: z.string().min(1).max(120),
  address: z.string().min(1).max(400),
  notes: z.string().max(4000),
  timeZone: TimeZone,
  /** The subscription includes guard dispatch: no billing record per dispatch. */
  dispatchIncluded: z.boolean(),
  lastInspection: IsoDate.nullable(),
};

export const InstallationInput = z.strictObject({
  ...InstallationFields,
  notes: InstallationFields.notes.default(""),
  dispatchIncluded: InstallationFields.dispatchIncluded.default(false),
  lastInspection: InstallationFields.lastInspection.default(null),
});
export type InstallationInput = z.input<typeof InstallationInput>;

/** Only the fields given change (no defaults here: a patch must not reset what it does not name). */
export const InstallationPatch = z.strictObject(InstallationFields).partial();
export type InstallationPatch = z.input<typeof InstallationPatch>;

export const Installation = z.strictObject({
  id: z.int(),
  name: z.string(),
  address: z.string(),
  notes: z.string(),
  timeZone: z.string(),
  dispatchIncluded: z.boolean(),
  hasCallerPassword: z.boolean(),
  // Only the shape when read back: a row written before days were checked stays readable.
  lastInspection: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  panels: z.array(PanelId),
  createdAt: z.int(),
  updatedAt: z.int(),
});
export type Installation = z.infer<typeof Installation>;

/** When a contact person may be called, in the site's local time; every day when omitted. */
export const Availability = z.strictObject({ from: Hhmm, to: Hhmm });

export const Contact = z.strictObject({
  name: z.string().min(1).max(120),
  phone: z.string().regex(/^\+?[0-9 ()-]{3,32}$/, "a phone number"),
  email: z.email().optional(),
  availability: Availability.optional(),
});
export type Contact = z.infer<typeof Contact>;

/** Called in this order until one answers. */
export const Contacts = z.array(Contact).max(20);

export const CallerPassword = z.string().min(4).max(64);
export const PanelRef = z.strictObject({ panel: PanelId });
