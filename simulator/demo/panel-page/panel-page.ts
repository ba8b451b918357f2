/**
 * The simulated panel's page, served next to the console: its keypad (digits, away/stay/night/off,
 * panic), its zones as switches, its siren, strobe and LEDs, and the line to the centre to cut and
 * restore. The page reads `GET /state` and then listens to `GET /events` (server-sent events); its
 * buttons post to `/key`, `/zone` and `/link`. Loopback only, no login: it stands for the premises.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import Fastify from "fastify";
import { z } from "zod";
import type { KeypadMessage } from "../../../firmware/index.js";
import { FUNCTION_KEYS } from "../../../firmware/keypad-entry.js";
import type { Event } from "../../../protocol/index.js";
import { clockTime, eventText, keypadText, phaseText, zoneLabel } from "../demo-text.js";
import type { RunningSystem } from "../system.js";
import { LinkSwitch } from "./link-switch.js";

const ASSETS = join(import.meta.dirname, "assets");
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

const KeyBody = z.strictObject({ key: z.union([z.string().regex(/^[0-9*]$/), z.enum(FUNCTION_KEYS)]) });
const ZoneBody = z.strictObject({ zone: z.int().positive(), open: z.boolean() });
const LinkBody = z.strictObject({ up: z.boolean() });

export interface PanelPageOptions {
  readonly host?: string;
  readonly port?: number;
  /** Link to the console, shown on the page. */
  readonly consoleUrl?: string;
}

export interface RunningPanelPage {
  readonly url: string;
  readonly link: LinkSwitch;
  /** Opens or closes a zone as the page's switch does (the terminal uses it too, so both agree). */
  setZone(zone: number, open: boolean): void;
  close(): Promise<void>;
}

export async function startPanelPage(sys: RunningSystem, opts: PanelPageOptions = {}): Promise<RunningPanelPage> {
  const cfg = sys.config;
  const link = new LinkSwitch(sys);
  const log: { at: number; text: string }[] = [];
  const zoneOpen = new Map<number, boolean>(cfg.zones.map((z) => [z.zone, false]));
  let display = "ready";
  let digits = 0;
  const note = (text: string) => {
    log.push({ at: Date.now(), text });
    if (log.length > 12) log.shift();
  };

  const snapshot = () => {
    const v = sys.panel.view();
    const now = Date.now();
    return {
      panel: sys.panelId,
      consoleUrl: opts.consoleUrl ?? null,
      // An area in alarm outshows the last keypad message, as a real keypad's display does.
      display: v.areas.some((a) => a.alarm) ? `ALARM: ${v.areas.filter((a) => a.alarm).map((a) => `${cfg.areas.find((x) => x.area === a.area)?.name ?? `area ${a.area}`}${a.memory.length ? `, ${a.memory.map((z) => zoneLabel(cfg, z)).join(", ")}` : ""}`).join("; ")}` : display,
      digits,
      areas: v.areas.map((a) => ({ area: a.area, name: cfg.areas.find((x) => x.area === a.area)?.name ?? `area ${a.area}`, phase: a.phase.kind, text: phaseText(a.phase, now), alarm: a.alarm, memory: a.memory.map((z) => zoneLabel(cfg, z)) })),
      zones: cfg.zones.map((z) => ({ zone: z.zone, name: z.name ?? `zone ${z.zone}`, type: z.type, open: zoneOpen.get(z.zone) ?? false })),
      outputs: v.outputs,
      troubles: v.troubles,
      link: { cut: link.cut, up: sys.gateway.linkUp, outbox: sys.gateway.depth().total },
      log: [...log].reverse().map((l) => `${clockTime(l.at)}  ${l.text}`),
    };
  };

  const setZone = (zone: number, open: boolean) => {
    sys.setZone(zone, open);
    zoneOpen.set(zone, open);
    note(`${zoneLabel(cfg, zone)} ${open ? "opened" : "closed"}`);
    push();
  };

  const clients = new Set<(data: string) => void>();
  let last = "";
  let queued = false;
  const push = () => {
    if (queued) return;
    queued = true;
    setImmediate(() => {
      queued = false;
      const s = JSON.stringify(snapshot());
      if (s === last) return;
      last = s;
      for (const c of clients) c(s);
    });
  };
  const onKeypad = (m: KeypadMessage) => ((display = keypadText(cfg, m)), (digits = 0), note(`keypad: ${display}`), push());
  const onReport = (e: Event) => (note(`reported: ${eventText(cfg, e)}`), push());
  const onAcked = ({ seq }: { seq: number }) => (note(`centre acknowledged frame ${seq}`), push());
  const unsubscribe = [
    listen(sys.panel, "state", push),
    listen(sys.panel, "output", push),
    listen(sys.panel, "keypad", onKeypad),
    listen(sys.panel, "report", onReport),
    listen(sys.gateway, "acked", onAcked),
    listen(sys.gateway, "sent", push),
  ];
  // Countdowns, link state and outbox depth change without an event of their own.
  const tick = setInterval(push, 1000);
  tick.unref();

  const app = Fastify({ logger: false, forceCloseConnections: true });
  const page = (file: string, type: string) => {
    const body = readFileSync(join(ASSETS, file));
    app.get(file === "index.html" ? "/" : `/${file}`, async (_req, reply) => reply.type(type).header("content-security-policy", CSP).header("cache-control", "no-cache").send(body));
  };
  page("index.html", "text/html; charset=utf-8");
  page("panel.js", "text/javascript; charset=utf-8");
  page("panel.css", "text/css; charset=utf-8");
  app.get("/state", async () => snapshot());
  app.get("/events", (req, reply) => {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    const send = (s: string) => res.write(`data: ${s}\n\n`);
    send(JSON.stringify(snapshot()));
    clients.add(send);
    req.raw.on("close", () => clients.delete(send));
  });
  const bad = (reply: { code(n: number): { send(b: unknown): unknown } }, message: string) => reply.code(400).send({ error: "bad-input", message });
  app.post("/key", async (req, reply) => {
    const b = KeyBody.safeParse(req.body);
    if (!b.success) return bad(reply, "key: one of 0-9, *, away, stay, night, off, panic, clear");
    if (/^[0-9*]$/.test(b.data.key)) digits = Math.min(16, digits + 1);
    else if (b.data.key === "clear") (digits = 0), (display = "cleared");
    else digits = 0;
    sys.panel.input({ type: "key", key: b.data.key });
    push();
    return { ok: true };
  });
  app.post("/zone", async (req, reply) => {
    const b = ZoneBody.safeParse(req.body);
    if (!b.success || !zoneOpen.has(b.data.zone)) return bad(reply, `zone: one of ${[...zoneOpen.keys()].join(", ")}, open true/false`);
    setZone(b.data.zone, b.data.open);
    return { ok: true };
  });
  app.post("/link", async (req, reply) => {
    const b = LinkBody.safeParse(req.body);
    if (!b.success) return bad(reply, "up: true or false");
    if (b.data.up) link.restoreLink();
    else link.cutLink();
    note(b.data.up ? "line to the centre restored: the panel reconnects on its next retry" : "line to the centre cut: events wait in the outbox");
    push();
    return { ok: true };
  });

  await app.listen({ host: opts.host ?? "127.0.0.1", port: opts.port ?? 0 });
  const a = app.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${a.port}/`,
    link,
    setZone,
    async close() {
      clearInterval(tick);
      for (const off of unsubscribe) off();
      await app.close();
    },
  };
}

/** Subscribes `fn` and returns what unsubscribes it, so close() removes exactly what start added. */
function listen<K extends string, F>(em: { on(event: K, fn: F): unknown; off(event: K, fn: F): unknown }, event: K, fn: F): () => void {
  em.on(event, fn);
  return () => void em.off(event, fn);
}
