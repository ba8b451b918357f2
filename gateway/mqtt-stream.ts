/**
 * The socket under an mqtt.js client for mqtt:// (TCP) and mqtts:// (TLS) URLs, built here rather than
 * by `mqtt.connect()`: on its first connection that function loads every transport mqtt.js has
 * (WebSocket, SOCKS with ip-address's regular expressions), about 8 MB of heap a panel never uses.
 * TLS follows mqtt.js's own builder: SNI from a host name, certificate verification on unless turned off.
 * Any other URL, or a SOCKS proxy in MQTTJS_SOCKS_PROXY, goes through `mqtt.connect()` unchanged.
 */
import { createConnection, isIP } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import mqtt, { MqttClient, type IClientOptions } from "mqtt";

const TCP = new Set(["mqtt:", "tcp:"]);
const TLS = new Set(["mqtts:", "ssl:", "tls:"]);

export function connectMqtt(url: string, opts: IClientOptions): MqttClient {
  const u = new URL(url);
  // mqtt.js: a client certificate and key turn mqtt:// into TLS.
  const secure = TLS.has(u.protocol) || (TCP.has(u.protocol) && opts.key !== undefined && opts.cert !== undefined);
  if (!(TCP.has(u.protocol) || secure) || process.env.MQTTJS_SOCKS_PROXY) return mqtt.connect(url, opts);
  const host = u.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost";
  const port = u.port ? Number(u.port) : secure ? 8883 : 1883;
  const build = (client: MqttClient) => {
    if (!secure) return createConnection({ host, port });
    const rejectUnauthorized = opts.rejectUnauthorized !== false;
    const t: ConnectionOptions = { host, port, rejectUnauthorized };
    if (opts.key !== undefined) t.key = opts.key as ConnectionOptions["key"];
    if (opts.cert !== undefined) t.cert = opts.cert as ConnectionOptions["cert"];
    if (opts.ca !== undefined) t.ca = opts.ca as ConnectionOptions["ca"];
    const servername = (opts as { servername?: string }).servername ?? (isIP(host) === 0 ? host : undefined);
    if (servername !== undefined) t.servername = servername;
    const socket = tlsConnect(t);
    const onError = (err: Error) => {
      if (rejectUnauthorized) client.emit("error", err);
      socket.end();
    };
    socket.on("error", onError);
    socket.on("secureConnect", () => {
      if (rejectUnauthorized && !socket.authorized) socket.emit("error", new Error("TLS not authorized"));
      else socket.removeListener("error", onError);
    });
    return socket;
  };
  // mqtt.js: user:password in the URL, unless given as options.
  const auth = u.username && opts.username === undefined ? { username: decodeURIComponent(u.username), ...(u.password ? { password: decodeURIComponent(u.password) } : {}) } : {};
  return new MqttClient(build, { ...opts, ...auth, host, port, protocol: secure ? "mqtts" : "mqtt" });
}
