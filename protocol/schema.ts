/**
 * The logical payloads (what `alarmctl example` prints and `alarmctl encode` reads), as zod schemas.
 * TypeScript types are inferred from these, so the schema is the one source of truth; the wire codecs
 * (uplink.ts, downlink.ts) map them to compact integer-keyed CBOR and back.
 */
import { z } from "zod";
import { BATCH_MAX_EVENTS, batchProblem } from "./event-batch.js";
import { QUALIFIERS, eventDef } from "./events.js";

export const PROTOCOL_VERSION = 1;

/** Safe in an MQTT topic level (no '/', '+', '#') and short enough for a 128-byte alarm frame. */
export const PANEL_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const PanelId = z.string().regex(PANEL_ID_PATTERN, "1-32 characters of A-Z a-z 0-9 _ -");
export const Millis = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Seq = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
export const AreaNo = z.int().min(0).max(255);
/** Contact ID's 3-digit zone-or-user field. */
export const ZoneOrUser = z.int().min(0).max(999);

export const ArmModes = ["disarmed", "away", "stay", "night"] as const;
export const ArmMode = z.enum(ArmModes);
export type ArmMode = z.infer<typeof ArmMode>;

export const Event = z
  .strictObject({
    code: z.int(),
    q: z.union(QUALIFIERS.map((q) => z.literal(q)) as [z.ZodLiteral<1>, z.ZodLiteral<3>, z.ZodLiteral<6>]),
    area: AreaNo,
    zone: ZoneOrUser.optional(),
    user: ZoneOrUser.optional(),
    /** Time of occurrence, UTC ms. */
    at: Millis,
  })
  .superRefine((e, ctx) => {
    const d = eventDef(e.code);
    if (!d) {
      ctx.addIssue({ code: "custom", path: ["code"], message: `unknown Contact ID code ${e.code}` });
      return;
    }
    if ((d.number === "zone") !== (e.zone !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["zone"], message: d.number === "zone" ? `code ${e.code} needs a zone` : `code ${e.code} takes no zone` });
    }
    if ((d.number === "user") !== (e.user !== undefined)) {
      ctx.addIssue({ code: "custom", path: ["user"], message: d.number === "user" ? `code ${e.code} needs a user` : `code ${e.code} takes no user` });
    }
  });
export type Event = z.infer<typeof Event>;

export const AreaStatus = z.strictObject({ area: AreaNo, mode: ArmMode });
export type AreaStatus = z.infer<typeof AreaStatus>;

export const Heartbeat = z.strictObject({
  areas: z.array(AreaStatus).max(32),
  /** Contact ID codes of the troubles present now (e.g. 301 AC loss). */
  troubles: z.array(z.int().refine((c) => eventDef(c) !== undefined, "unknown Contact ID code")).max(32),
  /** Events waiting in the panel's outbox. */
  outbox: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
});
export type Heartbeat = z.infer<typeof Heartbeat>;

export const CommandId = z.string().min(1).max(64);

/**
 * Every reason a command can fail, as a closed list of stable codes (a string on the wire). Panel:
 * malformed .. no-result; gateway: stale, expired, rejected; a panel that is not running: unavailable;
 * any other internal failure: internal. Details go to the panel's or gateway's log, not the wire.
 */
export const CommandErrorCode = z.enum([
  "malformed", // not a valid Command
  "expired", // past its `exp`
  "unknown-area",
  "open-zones", // arm refused: a zone is open (EN 50131-1 prevention of setting)
  "setting-prevented", // arm refused: a tamper or fault that the centre may not override
  "user-exists",
  "unknown-user",
  "code-too-short",
  "duplicate-code",
  "until-in-past",
  "no-result", // the panel core gave no result for the command
  "stale", // centre time outside the freshness window
  "rejected", // failed signature, key or panel checks
  "unavailable", // no panel to execute it (not running)
  "internal", // an unexpected failure while executing it
]);
export type CommandErrorCode = z.infer<typeof CommandErrorCode>;

export const CommandResult = z.strictObject({
  id: CommandId,
  ok: z.boolean(),
  error: CommandErrorCode.optional(),
});
export type CommandResult = z.infer<typeof CommandResult>;

const UplinkHead = {
  v: z.literal(PROTOCOL_VERSION),
  panel: PanelId,
  seq: Seq,
  /** Transmission time, UTC ms: signed anew at every (re)transmission. */
  sent: Millis,
};
export const UplinkPayload = z.union([
  /** `seqs`: a batch frame, one seq per event (event-batch.ts has the rules); absent: all under `seq`. */
  z
    .strictObject({ ...UplinkHead, events: z.array(Event).min(1).max(BATCH_MAX_EVENTS), seqs: z.array(Seq).min(2).max(BATCH_MAX_EVENTS).optional() })
    .superRefine((p, ctx) => {
      const problem = batchProblem(p.seq, p.events, p.seqs);
      if (problem) ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    }),
  z.strictObject({ ...UplinkHead, heartbeat: Heartbeat }),
  z.strictObject({ ...UplinkHead, result: CommandResult }),
]);
export type UplinkPayload = z.infer<typeof UplinkPayload>;

/** A user code: 4 to 8 digits (EN 50131-1; the minimum per grade is enforced by the panel). */
export const UserCode = z.string().regex(/^\d{4,8}$/, "4 to 8 digits");
export const Permission = z.enum(["disarm", "bypass", "manage-users"]);
export type Permission = z.infer<typeof Permission>;

export const UserSpec = z.strictObject({
  user: z.int().min(1).max(999),
  code: UserCode,
  name: z.string().max(32).optional(),
  areas: z.array(AreaNo).min(1).max(32),
  /** Arming is always allowed in the user's areas; an "arm only" user has no "disarm". */
  perms: z.array(Permission).max(3),
  /** A duress code disarms and sends a silent 121. */
  duress: z.boolean().optional(),
  /** Technician codes: valid only within [validFrom, validUntil), and only once when `once`. */
  validFrom: Millis.optional(),
  validUntil: Millis.optional(),
  once: z.boolean().optional(),
});
export type UserSpec = z.infer<typeof UserSpec>;

const CmdHead = { id: CommandId, /** UTC ms after which the panel must refuse it. */ exp: Millis };
export const Command = z.discriminatedUnion("type", [
  z.strictObject({ ...CmdHead, type: z.literal("user-add"), spec: UserSpec }),
  z.strictObject({ ...CmdHead, type: z.literal("user-change"), user: z.int().min(1).max(999), code: UserCode }),
  z.strictObject({ ...CmdHead, type: z.literal("user-delete"), user: z.int().min(1).max(999) }),
  z.strictObject({ ...CmdHead, type: z.literal("test-start"), until: Millis }),
  z.strictObject({ ...CmdHead, type: z.literal("test-stop") }),
  z.strictObject({ ...CmdHead, type: z.literal("arm"), area: AreaNo, mode: z.enum(["away", "stay", "night"]) }),
  z.strictObject({ ...CmdHead, type: z.literal("disarm"), area: AreaNo }),
  z.strictObject({ ...CmdHead, type: z.literal("time-sync") }),
  z.strictObject({ ...CmdHead, type: z.literal("status-request") }),
]);
export type Command = z.infer<typeof Command>;
export type CommandType = Command["type"];

export const NakReason = z.enum([
  "malformed",
  "oversize",
  "unsupported-version",
  "unsupported-algorithm",
  "unknown-key",
  "wrong-panel",
  "bad-signature",
  "stale",
  "store-failed",
  /**
   * The centre holds other content under this (panel, seq): the panel's outbox was lost and its numbers
   * started again. The NAK's `next` (the centre's highest stored seq + 1) is where the panel numbers on,
   * as a DC-09 stale NAK carries the receiver's time for the sender to correct itself.
   */
  "seq-reused",
]);
export type NakReason = z.infer<typeof NakReason>;
/**
 * Reasons a resend with a corrected clock or later cannot fix: the panel logs and reports them. Every
 * reason but the three corrected ones ("stale": resend with the corrected clock; "store-failed": resend
 * later; "seq-reused": renumber from `next` and resend), derived so that a new reason is permanent
 * unless said otherwise.
 */
export const PERMANENT_NAK: ReadonlySet<NakReason> = new Set(NakReason.exclude(["stale", "store-failed", "seq-reused"]).options);

/** The frame an answer names (frame-ref.ts): 8 bytes as 16 lower-case hex digits; a byte string on the wire. */
export const FRAME_REF_PATTERN = /^[0-9a-f]{16}$/;
export const FrameRef = z.string().regex(FRAME_REF_PATTERN, "16 lower-case hex digits");
/** At most this many frames per ACK: 128 (seq, ref) pairs stay well inside a 4 KiB frame. */
export const ACK_MAX_FRAMES = 128;

const DownHead = { v: z.literal(PROTOCOL_VERSION), panel: PanelId, /** Centre time, UTC ms. */ sent: Millis };
export const DownlinkPayload = z.union([
  /**
   * Sent only once the centre has stored the frames with these sequence numbers; `refs[i]` names the exact
   * frame (frame-ref.ts) that `seqs[i]` answers.
   */
  z.strictObject({
    ...DownHead,
    ack: z
      .strictObject({ seqs: z.array(Seq).min(1).max(ACK_MAX_FRAMES), refs: z.array(FrameRef).min(1).max(ACK_MAX_FRAMES) })
      .refine((a) => a.seqs.length === a.refs.length, { message: "one ref per seq", path: ["refs"] }),
  }),
  /**
   * `ref` names the exact frame refused; a `stale` NAK's `sent` is the centre's time (SIA DC-09); a
   * `seq-reused` NAK, and only it, carries `next`: the sequence number the panel is to number on from.
   */
  z.strictObject({
    ...DownHead,
    nak: z
      .strictObject({ seq: Seq, reason: NakReason, ref: FrameRef, next: Seq.optional() })
      .refine((n) => (n.reason === "seq-reused") === (n.next !== undefined), { message: "next is carried by a seq-reused NAK, and only by it", path: ["next"] }),
  }),
  z.strictObject({ ...DownHead, cmd: Command }),
]);
export type DownlinkPayload = z.infer<typeof DownlinkPayload>;
/** An ACK downlink payload: what ack-guard.ts checks, ack-writer.ts writes and frame.ts seals in batches. */
export type AckPayload = Extract<DownlinkPayload, { ack: unknown }>;
