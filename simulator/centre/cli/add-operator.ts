/**
 * An operator login made from the centre's machine, for the first admin of a fresh centre (who has no
 * login yet to make one over the API): alarm-provision --add-operator. It goes through the services'
 * own Operators.create, so the password is hashed and the creation audited as any other, by
 * "alarm-provision".
 */
import { unrefSystemClock } from "../../../protocol/clock.js";
import { CentreError } from "../errors.js";
import { silentLogger } from "../logger.js";
import type { Operator, Role } from "../services/operators.js";
import { Services } from "../services/services.js";
import type { CentreStorePort } from "../store-pg/port.js";
import { servicesDbOf } from "../services/services-db-of.js";
import { manualPorts } from "./manual-ports.js";

export async function addOperator(store: CentreStorePort, username: string, role: Role, password: string): Promise<Operator> {
  const refuse = { send: () => Promise.reject(new CentreError("bad-state", "alarm-provision sends no commands")) };
  const services = await Services.open(servicesDbOf(store), unrefSystemClock, manualPorts(silentLogger, refuse));
  return services.operators.create("alarm-provision", { username, password, role });
}
