/** An embedded aedes broker on loopback for integration tests: TCP_NODELAY on, port 0, restartable. */
import net, { type AddressInfo, type Socket } from "node:net";
import { Aedes } from "aedes";

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
    const broker = await Aedes.createBroker();
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
