/**
 * An embedded aedes broker on loopback for integration tests: TCP_NODELAY on, port 0, restartable, no
 * logins, and the centre broker's shared subscriptions (aedes 1.x speaks MQTT 3.1.1 only) so the
 * receiver's `$share/centre/...` filter gets the uplinks.
 */
import net, { type AddressInfo, type Socket } from "node:net";
import { Aedes } from "aedes";
import { parseShared } from "../../protocol/topic-filter.js";
import { SharedSubscriptions } from "../../simulator/centre/broker/broker-shared.js";

export class TestBroker {
  private server: net.Server | undefined;
  private broker: Aedes | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Start (again) on the same port once one was chosen. */
  async start(): Promise<void> {
    const shared = new SharedSubscriptions();
    const broker = await Aedes.createBroker({
      authorizeSubscribe(client, sub, done) {
        const share = parseShared(sub.topic);
        if (!share) return done(null, sub);
        shared.join(client, share.group, share.filter);
        done(null, { ...sub, topic: share.filter });
      },
      authorizeForward: (client, packet) => (shared.forward(client, packet) ? packet : null),
    });
    broker.on("clientDisconnect", (c) => shared.leave(c));
    const server = net.createServer((socket) => {
      socket.setNoDelay(true);
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
      broker.handle(socket);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.broker = broker;
  }

  /** Kill: drop every connection at once (no clean shutdown), forget all sessions and retained messages. */
  async kill(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    this.server = undefined;
    this.broker = undefined;
  }
}
