/**
 * A tiny JSON API over the operator queue, for a console or curl:
 *   GET  /alarms            open alarms in working order (?all=1 adds closed ones)
 *   GET  /alarms/:id        the alarm with its frames and steps
 *   POST /alarms/:id/take|release|handle|close   body {"operator": "...", "note"?: "..."}
 * Errors are {"error": code, "message": ...} with 400 / 404 / 409; loopback only by default.
 */
import { isStoreError } from "../store-pg/store-error.js";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { CentreError } from "../errors.js";
import type { OperatorQueue } from "./operator-queue.js";

const StepBody = z.strictObject({ operator: z.string().min(1).max(64), note: z.string().max(1000).optional() });
const ACTIONS = ["take", "release", "handle", "close"] as const;

export interface OperatorHttp {
  readonly port: number;
  close(): Promise<void>;
}

export async function startOperatorHttp(queue: OperatorQueue, opts: { port?: number; host?: string } = {}): Promise<OperatorHttp> {
  const server = http.createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    let raw = "";
    req.on("data", (c: Buffer) => {
      raw += c.toString("utf8");
      if (raw.length > 10_000) req.destroy();
    });
    req.on("end", async () => {
      try {
        const url = new URL(req.url ?? "/", "http://x");
        const parts = url.pathname.split("/").filter(Boolean);
        if (parts[0] !== "alarms") return reply(404, { error: "not-found", message: url.pathname });
        if (req.method === "GET" && parts.length === 1) return reply(200, await queue.list(url.searchParams.get("all") === "1"));
        const id = Number(parts[1]);
        if (!Number.isInteger(id)) return reply(400, { error: "bad-argument", message: `bad alarm id ${parts[1]}` });
        if (req.method === "GET" && parts.length === 2) return reply(200, await queue.history(id));
        const action = ACTIONS.find((a) => a === parts[2]);
        if (req.method !== "POST" || parts.length !== 3 || !action) return reply(404, { error: "not-found", message: `${req.method} ${url.pathname}` });
        const body = StepBody.safeParse(raw ? JSON.parse(raw) : {});
        if (!body.success) return reply(400, { error: "bad-argument", message: z.prettifyError(body.error) });
        return reply(200, await queue[action](id, body.data.operator, body.data.note));
      } catch (e) {
        if (e instanceof CentreError) return reply(e.code === "unknown-alarm" ? 404 : e.code === "bad-transition" || e.code === "not-owner" ? 409 : 400, { error: e.code, message: e.message });
        if (isStoreError(e, "store-unavailable")) return reply(503, { error: e.code, message: e.message });
        if (e instanceof SyntaxError) return reply(400, { error: "bad-argument", message: `body is not JSON: ${e.message}` });
        return reply(500, { error: "internal", message: (e as Error).message });
      }
    });
  });
  // A taken port is the caller's error to report (EADDRINUSE), not an unhandled 'error' event.
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => (server.off("error", reject), resolve()));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
