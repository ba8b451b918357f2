/**
 * An action plan: per service class, the ordered steps an operator works through. Checked by zod on the
 * way in and on the way back out of the database.
 */
import { z } from "zod";
import { SERVICE_CLASSES, type ServiceClass } from "./service-class.js";

const Phone = z.string().regex(/^\+?[0-9 ()-]{3,32}$/, "a phone number");

export const PlanStep = z.discriminatedUnion("kind", [
  /** Call the contact persons in order until one answers. */
  z.strictObject({ kind: z.literal("call-contacts") }),
  /** Call the protected premises themselves. */
  z.strictObject({ kind: z.literal("call-premises"), phone: Phone }),
  z.strictObject({ kind: z.literal("guard") }),
  z.strictObject({ kind: z.literal("police"), phone: Phone.default("110") }),
  z.strictObject({ kind: z.literal("fire-brigade"), phone: Phone.default("112") }),
  /** SMS or e-mail to the contacts (their phone or e-mail) or to a fixed address. */
  z.strictObject({ kind: z.literal("notify"), channel: z.enum(["sms", "email"]), to: z.string().min(3).max(200).optional() }),
]);
export type PlanStep = z.infer<typeof PlanStep>;
export type StepKind = PlanStep["kind"];

export const ServiceClassSchema = z.enum(SERVICE_CLASSES);

export const ActionPlan = z
  .partialRecord(ServiceClassSchema, z.array(PlanStep).min(1).max(20))
  .superRefine((plan, ctx) => {
    // Hold-up and duress (Contact ID 120-123): a call to the premises could endanger the people there
    // (the attacker may answer); police first, never the premises first.
    if (plan["hold-up"]?.[0]?.kind === "call-premises") {
      ctx.addIssue({ code: "custom", path: ["hold-up", 0], message: "a hold-up plan must not start by calling the premises" });
    }
  });
export type ActionPlan = z.infer<typeof ActionPlan>;

/** Used for a class the installation's plan leaves out. */
export const DEFAULT_PLAN: Record<ServiceClass, PlanStep[]> = {
  burglary: [{ kind: "call-contacts" }, { kind: "guard" }],
  "hold-up": [{ kind: "police", phone: "110" }, { kind: "call-contacts" }],
  fire: [{ kind: "fire-brigade", phone: "112" }, { kind: "call-contacts" }],
  technical: [{ kind: "call-contacts" }],
  tamper: [{ kind: "call-contacts" }],
  supervision: [{ kind: "call-contacts" }],
};
