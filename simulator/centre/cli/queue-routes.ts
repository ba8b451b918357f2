/**
 * The operators' queue of centre alarms on the services' HTTP API, behind its login (api-plumbing.ts):
 *   GET  /api/alarms            open alarms in working order (?all=1 adds closed ones)
 *   GET  /api/alarms/:id        the alarm with its frames and steps
 *   POST /api/alarms/:id/take|release|handle|close   body {"note"?: "..."}
 * The operator of each step is the session's, never a name in the body: the alarm's history says who
 * took and closed it (EN 50518 records of alarm handling). Errors are the API's {error, message}: 404
 * unknown alarm, 409 a step its state or owner does not allow, 503 the store unavailable.
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { CentreError } from "../errors.js";
import type { OperatorQueue } from "../operator/operator-queue.js";
import { typed, who } from "../services/api-plumbing.js";
import { isStoreError } from "../store/store-error.js";

const ACTIONS = ["take", "release", "handle", "close"] as const;
const Id = z.strictObject({ id: z.coerce.number().int().positive() });
const Step = z.strictObject({ id: z.coerce.number().int().positive(), action: z.enum(ACTIONS) });
// No body at all is a step without a note (curl -X POST).
const StepBody = z.strictObject({ note: z.string().max(1000).optional() }).nullish();

export function queueRoutes(queue: OperatorQueue): (app: FastifyInstance) => void {
  return (fastify) => {
    const app = typed(fastify);
    const op = { role: "operator" as const };
    app.get("/api/alarms", { config: op, schema: { querystring: z.strictObject({ all: z.enum(["0", "1"]).optional() }) } }, async (req, reply) => answer(reply, () => queue.list(req.query.all === "1")));
    app.get("/api/alarms/:id", { config: op, schema: { params: Id } }, async (req, reply) => answer(reply, () => queue.history(req.params.id)));
    app.post("/api/alarms/:id/:action", { config: op, schema: { params: Step, body: StepBody } }, async (req, reply) =>
      answer(reply, () => queue[req.params.action](req.params.id, who(req).username, req.body?.note)),
    );
  };
}

const STATUS: Partial<Record<CentreError["code"], number>> = { "unknown-alarm": 404, "bad-transition": 409, "not-owner": 409 };

/** The queue's typed errors as the API's: the same {error, message} body as every other route. */
async function answer<T>(reply: FastifyReply, fn: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await fn();
  } catch (e) {
    const status = e instanceof CentreError ? STATUS[e.code] : isStoreError(e, "store-unavailable") ? 503 : undefined;
    if (status === undefined) throw e;
    const { code, message } = e as CentreError;
    return reply.code(status).send({ error: code, message: message.startsWith(`${code}: `) ? message.slice(code.length + 2) : message });
  }
}
