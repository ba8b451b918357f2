/**
 * The live alarm queue as server-sent events (the browser console's EventSource): a `snapshot` of the
 * open incidents on connect, then one `incident`, `ticket` or `command` event per change (the whole
 * record), and a comment line as keep-alive so proxies do not cut an idle stream. The session cookie authorises it (EventSource sends no headers).
 */
import type { FastifyInstance } from "fastify";
import type { Clock, Timer } from "../../../protocol/clock.js";
import type { Incident } from "./incident-schema.js";
import type { Services } from "./services.js";

export function queueStreamRoutes(app: FastifyInstance, s: Services, clock: Clock, keepAliveMs: number): void {
  app.get("/api/queue/stream", { config: { role: "operator" } }, async (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no" });
    const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send("snapshot", await s.desk.queue());
    const onIncident = (i: Incident) => send("incident", i);
    // Read after the commit that announced it; a read that fails (the database is away) skips this update,
    // and the console's next snapshot carries it.
    const onTicket = (id: number) => void s.tickets.get(id).then((t) => send("ticket", t), (e: unknown) => s.ctx.events.emit("failed", "queue-stream", e));
    const onCommand = (id: string) => void s.remote.get(id).then((c) => send("command", c), (e: unknown) => s.ctx.events.emit("failed", "queue-stream", e));
    s.ctx.events.on("incident", onIncident);
    s.ctx.events.on("ticket", onTicket);
    s.ctx.events.on("command", onCommand);
    let timer: Timer | undefined;
    const keepAlive = () => {
      res.write(": keep-alive\n\n");
      timer = clock.schedule(keepAliveMs, keepAlive);
    };
    timer = clock.schedule(keepAliveMs, keepAlive);
    req.raw.on("close", () => {
      s.ctx.events.off("incident", onIncident);
      s.ctx.events.off("ticket", onTicket);
      s.ctx.events.off("command", onCommand);
      timer?.cancel();
    });
  });
}
