/**
 * Changes a running Mosquitto's access rights through the dynamic-security plugin's $CONTROL topic, as the
 * centre's `dynsec-admin` client: disable (and thereby disconnect) a revoked certificate's client without a
 * restart, add a newly provisioned panel's role and client. The plugin answers every command on
 * `$CONTROL/dynamic-security/v1/response`; an error there is a CentreError broker-refused.
 */
import mqtt from "mqtt";
import { CentreError } from "../errors.js";
import { CONTROL_TOPIC, dynsecCommands, panelRole } from "./mosquitto-dynsec.js";

export interface ControlConnection {
  readonly url: string;
  /** The admin client's TLS material (CN dynsec-admin) and the centre CA. */
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
}

type Reply = { responses?: { command: string; error?: string }[] };

async function dynsecSend(c: ControlConnection, body: { commands: object[] }, timeoutMs = 5000): Promise<void> {
  const client = await mqtt.connectAsync(c.url, { key: c.key, cert: c.cert, ca: c.ca, protocolVersion: 5, reconnectPeriod: 0, connectTimeout: timeoutMs });
  try {
    const reply = new Promise<Reply>((resolve, reject) => {
      const t = setTimeout(() => reject(new CentreError("broker-refused", `no answer from ${CONTROL_TOPIC} within ${timeoutMs} ms`)), timeoutMs);
      client.on("message", (_t, m) => {
        clearTimeout(t);
        try {
          resolve(JSON.parse(m.toString("utf8")) as Reply);
        } catch {
          reject(new CentreError("broker-refused", "unreadable $CONTROL response"));
        }
      });
    });
    await client.subscribeAsync(`${CONTROL_TOPIC}/response`, { qos: 1 });
    await client.publishAsync(CONTROL_TOPIC, JSON.stringify(body), { qos: 1 });
    const r = await reply;
    const failed = (r.responses ?? []).filter((x) => x.error);
    if (failed.length) throw new CentreError("broker-refused", failed.map((x) => `${x.command}: ${x.error}`).join("; "));
  } finally {
    await client.endAsync();
  }
}

/**
 * Cut off the client named by a revoked certificate's CN: Mosquitto disconnects it at once, and a new
 * connection (the CRL is read only at start) holds no right. `rolename` defaults to a panel's role.
 */
export const cutOffClient = (c: ControlConnection, username: string, rolename = `panel-${username}`) => dynsecSend(c, dynsecCommands.cutOff(username, rolename));

/** Give a newly provisioned panel its role and client on a running broker. */
export async function addPanel(c: ControlConnection, panel: string): Promise<void> {
  const role = panelRole(panel);
  await dynsecSend(c, dynsecCommands.createRole(role));
  await dynsecSend(c, dynsecCommands.createClient(panel, role.rolename));
}
