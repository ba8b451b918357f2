/**
 * The demo's terminal: one command per line (see USAGE), each answered in one line when it does nothing
 * visible by itself or is wrong. Zone changes go through the panel page, so the page shows them too.
 */
import { createInterface } from "node:readline";
import type { RunningSystem } from "./system.js";
import type { RunningPanelPage } from "./panel-page/panel-page.js";
import { parseCommand, USAGE } from "./demo-command.js";
import type { DemoOutput } from "./demo-output.js";
import { phaseText, zoneLabel } from "./demo-text.js";

export async function runTerminal(sys: RunningSystem, page: RunningPanelPage, out: DemoOutput): Promise<void> {
  const cfg = sys.config;
  out.line("Type a command (help lists them):");
  for (const u of USAGE) out.line(`  ${u}`);
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: "> " });
  out.attach(rl);
  rl.prompt();
  for await (const line of rl) {
    const p = parseCommand(line, cfg);
    if (!p.ok) out.answer(p.message);
    else {
      const c = p.command;
      switch (c.kind) {
        case "empty":
          break;
        case "help":
          for (const u of USAGE) out.answer(u);
          break;
        case "quit":
          out.attach(undefined);
          rl.close();
          return;
        case "zone": {
          const areas = cfg.zones.find((z) => z.zone === c.zone)?.areas ?? [];
          page.setZone(c.zone, c.open);
          const v = sys.panel.view();
          const armed = v.areas.filter((a) => areas.includes(a.area) && a.phase.kind !== "disarmed");
          out.answer(`${zoneLabel(cfg, c.zone)} ${c.open ? "opened" : "closed"}${armed.length ? "" : "; its area is disarmed, so no alarm (unless it is a 24-hour zone)"}`);
          break;
        }
        case "keys":
          sys.panel.input({ type: "key", key: "clear" });
          for (const key of c.keys) sys.panel.input({ type: "key", key });
          break;
        case "ac":
          sys.panel.input({ type: "ac", ok: c.ok });
          out.answer(c.ok ? "mains power back" : "mains power lost (the panel reports it after its delay)");
          break;
        case "link":
          if (c.up) page.link.restoreLink();
          else page.link.cutLink();
          out.answer(c.up ? "line restored: the gateway reconnects on its next retry and drains its outbox" : "line cut: events wait in the outbox until it is restored");
          break;
        case "status": {
          const v = sys.panel.view();
          const now = Date.now();
          for (const a of v.areas) out.answer(`${cfg.areas.find((x) => x.area === a.area)?.name ?? `area ${a.area}`}: ${phaseText(a.phase, now)}${a.alarm ? ", ALARM" : ""}${a.memory.length ? `, alarm memory ${a.memory.map((z) => zoneLabel(cfg, z)).join(", ")}` : ""}`);
          const on = Object.entries(v.outputs).filter(([, x]) => x).map(([k]) => k);
          out.answer(`outputs on: ${on.join(", ") || "none"}; troubles: ${v.troubles.join(", ") || "none"}`);
          out.answer(`line to the centre: ${page.link.cut ? "cut" : sys.gateway.linkUp ? "up" : "reconnecting"}; outbox ${sys.gateway.depth().total} event(s)`);
          break;
        }
      }
    }
    rl.prompt();
  }
  out.attach(undefined);
}
