/**
 * A verified command from the centre. Admitted only if fresh on the corrected clock, unexpired and not
 * executed before (CommandGuard: ids recorded durably before execution, so at most once); a time-sync
 * is exempt from the freshness check (it is how a wrong clock learns the right time) and sets the
 * offset. Returns the result to queue for the centre, or undefined for a replay: its first result is
 * already queued or delivered, and a second one would tell an attacker the id was good.
 */
import { CommandErrorCode, type Command, type CommandResult } from "../../protocol/index.js";
import type { Clock } from "../../protocol/clock.js";
import type { CommandGuard } from "../command-guard.js";
import { isGatewayError, type GatewayError } from "../errors.js";
import { applyTimeSync } from "./time-sync.js";

export interface CommandContext {
  readonly guard: CommandGuard;
  readonly clock: Clock;
  /** Centre-corrected time, and where a time-sync puts its offset. */
  readonly link: { now(): number; setClockOffset(offsetMs: number): void };
  /** The panel's handler (GatewayOptions.onCommand). */
  readonly execute: (cmd: Command) => CommandResult;
  /** Told of each refusal (stale, expired, replay) for logs and metrics. */
  readonly refused: (e: GatewayError) => void;
  /** Told when the panel's handler throws: the details go to the log, never onto the wire. */
  readonly failed?: (cmd: Command, e: unknown) => void;
}

export function handleCommand(ctx: CommandContext, cmd: Command, centreSent: number): CommandResult | undefined {
  const timeSync = cmd.type === "time-sync";
  try {
    ctx.guard.admit(cmd, centreSent, ctx.link.now(), timeSync);
  } catch (e) {
    if (!isGatewayError(e)) throw e;
    ctx.refused(e);
    if (e.code === "replay") return undefined;
    return { id: cmd.id, ok: false, error: CommandErrorCode.safeParse(e.code).data ?? "internal" };
  }
  if (timeSync) applyTimeSync(ctx.link, centreSent, ctx.clock);
  try {
    return ctx.execute(cmd);
  } catch (e) {
    // The panel's failure is the command's result, not the gateway's; its details are not for the wire.
    ctx.failed?.(cmd, e);
    return { id: cmd.id, ok: false, error: "internal" };
  }
}
