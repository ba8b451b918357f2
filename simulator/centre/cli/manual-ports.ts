/**
 * alarm-centre's telephony, messaging and guard-service ports: there is no provider behind them. Each
 * request is logged as one line for the operator and refused with `port-failed`, so nothing is written:
 * the task stays open, and the operator places the call, sends the message or dispatches the guard by
 * hand, then records the outcome (POST /api/tasks/:id/outcome). Nobody is called by this centre.
 */
import type { Logger } from "../logger.js";
import type { GuardCallbacks, GuardDispatch, GuardRequest, GuardService } from "../services/guard-service.js";
import type { Message, Messenger } from "../services/messenger.js";
import type { CommandSender } from "../services/command-sender.js";
import type { AllPorts } from "../services/services.js";
import { ServicesError } from "../services/services-error.js";
import type { CallResult, Telephony } from "../services/telephony.js";

const BY_HAND = "record the outcome of the task when done";

export class ManualTelephony implements Telephony {
  constructor(private readonly log: Logger) {}

  async dial(to: string, purpose: string): Promise<CallResult> {
    this.log.log("warn", "telephony: no provider, call by hand", { to, purpose });
    throw new ServicesError("port-failed", `no telephony provider on this centre: call ${to} yourself (${purpose}) and ${BY_HAND}`);
  }
}

export class ManualMessenger implements Messenger {
  constructor(private readonly log: Logger) {}

  async send(m: Message): Promise<void> {
    // The text is the operator's to send; the address and channel say where.
    this.log.log("warn", "messenger: no provider, send by hand", { channel: m.channel, to: m.to, text: m.text });
    throw new ServicesError("port-failed", `no ${m.channel} provider on this centre: send it to ${m.to} yourself and ${BY_HAND}`);
  }
}

export class ManualGuardService implements GuardService {
  constructor(private readonly log: Logger) {}

  async dispatch(req: GuardRequest, _on: GuardCallbacks): Promise<GuardDispatch> {
    this.log.log("warn", "guard service: no provider, dispatch by hand", { incident: req.incidentId, installation: req.installationId, address: req.address, reason: req.reason });
    throw new ServicesError("port-failed", `no guard-service provider on this centre: send a guard to ${req.address} yourself and ${BY_HAND}`);
  }

  /** Nothing was dispatched through this port, so there is nothing to recall; the request is still logged. */
  async recall(ref: string): Promise<void> {
    this.log.log("warn", "guard service: no provider, recall by hand", { ref });
  }
}

/** The ports of alarm-centre: manual telephony, messaging and guards; `commands` goes to the panels. */
export function manualPorts(log: Logger, commands: CommandSender): AllPorts {
  return { telephony: new ManualTelephony(log), messenger: new ManualMessenger(log), guard: new ManualGuardService(log), commands };
}
