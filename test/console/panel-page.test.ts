/**
 * The panel page's routes and the line switch, over real HTTP on loopback, and the console's static
 * assets on the services' server: public, same-origin CSP; its data routes need a session like the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoCentre, type DemoCentre } from "../../simulator/demo/demo-centre.js";
import { demoPanelConfig } from "../../simulator/demo/demo-config.js";
import { startPanelPage, type RunningPanelPage } from "../../simulator/demo/panel-page/panel-page.js";
import { startSystem, type RunningSystem } from "../../simulator/demo/system.js";

let sys: RunningSystem;
let page: RunningPanelPage;
let centre: DemoCentre;
beforeAll(async () => {
  sys = await startSystem({ panelConfig: demoPanelConfig(0) });
  centre = await startDemoCentre(sys, { password: "demo-panel-page" });
  page = await startPanelPage(sys, { consoleUrl: centre.consoleUrl });
});
afterAll(async () => {
  await page?.close();
  await centre?.stop();
  await sys?.stop();
});

const post = (path: string, body: unknown) => fetch(new URL(path, page.url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const state = async () => (await fetch(new URL("state", page.url))).json();

describe("the panel page", () => {
  it("a key press and a zone switch reach the panel; bad input gets a 400 naming what is allowed", async () => {
    expect((await post("key", { key: "1" })).status).toBe(200);
    expect((await state()).digits).toBe(1);
    expect((await post("key", { key: "clear" })).status).toBe(200);
    expect((await state()).digits).toBe(0);
    const bad = await post("key", { key: "reboot" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).message).toContain("away, stay, night, off, panic");
    expect((await post("zone", { zone: 9, open: true })).status).toBe(400);
    expect((await post("zone", { zone: 2, open: true })).status).toBe(200);
    expect((await state()).zones.find((z: { zone: number }) => z.zone === 2).open).toBe(true);
    await post("zone", { zone: 2, open: false });
  });

  it("cutting the line holds events in the outbox; restoring it drains them to the centre (store-and-forward)", async () => {
    const down = new Promise<void>((r) => sys.panel.on("report", (e) => e.code === 350 && e.q === 1 && r()));
    expect((await post("link", { up: false })).status).toBe(200);
    await down; // the panel itself reports the link loss (350), into its outbox
    expect(await state()).toMatchObject({ link: { cut: true, up: false } });
    expect(sys.gateway.depth().total).toBeGreaterThan(0);
    const drained = new Promise<void>((r) => {
      const on = () => sys.gateway.depth().total === 0 && (sys.gateway.off("acked", on), r());
      sys.gateway.on("acked", on);
    });
    expect((await post("link", { up: true })).status).toBe(200);
    await drained;
    expect(await state()).toMatchObject({ link: { cut: false, up: true, outbox: 0 } });
    expect(sys.centre.frames.count(sys.panelId)).toBeGreaterThan(1);
  }, 30_000);
});

describe("the console's assets", () => {
  it("are served without a session, same origin only; unknown files are 404; data routes need a session", async () => {
    const r = await fetch(centre.consoleUrl);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(await r.text()).toContain('<script type="module" src="app.js">');
    expect((await fetch(new URL("app.js", centre.consoleUrl))).headers.get("content-type")).toContain("text/javascript");
    expect((await fetch(new URL("../package.json", new URL("x/", centre.consoleUrl)))).status).toBe(404);
    expect((await fetch(new URL("nope.js", centre.consoleUrl))).status).toBe(404);
    const zones = await fetch(new URL("/api/console/zones", centre.consoleUrl));
    expect(zones.status).toBe(401);
  });
});
