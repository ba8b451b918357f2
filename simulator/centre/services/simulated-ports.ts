/** Every port with its simulated provider: the demo's and the tests' centre. */
import type { Clock } from "../../../protocol/clock.js";
import { SimulatedCommandSender } from "./command-sender.js";
import { SimulatedGuardService, type SimulatedGuardOptions } from "./guard-service.js";
import { SimulatedMessenger } from "./messenger.js";
import type { AllPorts } from "./services.js";
import { SimulatedTelephony } from "./telephony.js";

export interface SimulatedPorts extends AllPorts {
  readonly telephony: SimulatedTelephony;
  readonly messenger: SimulatedMessenger;
  readonly guard: SimulatedGuardService;
  readonly commands: SimulatedCommandSender;
}

export function simulatedPorts(clock: Clock, guard: SimulatedGuardOptions = {}, commands = new SimulatedCommandSender()): SimulatedPorts {
  return { telephony: new SimulatedTelephony(), messenger: new SimulatedMessenger(), guard: new SimulatedGuardService(clock, guard), commands };
}
