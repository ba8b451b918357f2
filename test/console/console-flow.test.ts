/**
 * The console and the panel page as a person uses them, in headless Chromium: a zone opened on the panel
 * page appears in the console's queue without a reload, above an older fire alarm (priority, then age);
 * the operator takes it, records two calls with no answer, dispatches the guard and closes it as real; a second alarm is cancelled as false with the
 * caller password; after a test window is announced a third is recorded as a test and not dispatched.
 * Screenshots of both pages go to docs/screenshots/ (with UPDATE_SCREENSHOTS=1). Waits on what the pages show, never on the clock.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoCentre, type DemoCentre } from "../../simulator/demo/demo-centre.js";
import { demoPanelConfig } from "../../simulator/demo/demo-config.js";
import { startPanelPage, type RunningPanelPage } from "../../simulator/demo/panel-page/panel-page.js";
import { startSystem, type RunningSystem } from "../../simulator/demo/system.js";
import { launchBrowser } from "./browser.js";

/** The README's screenshots are rewritten only when asked (`UPDATE_SCREENSHOTS=1 npx vitest run test/console`),
 *  so a test run leaves the work tree clean; otherwise they go to a temporary directory. */
const SHOTS = process.env.UPDATE_SCREENSHOTS ? resolve(import.meta.dirname, "../../docs/screenshots") : mkdtempSync(join(tmpdir(), "open-alarm-shots-"));
const PASSWORD = "demo-console-test";
const CALLER = "bread-and-butter";

let sys: RunningSystem;
let centre: DemoCentre;
let panelPage: RunningPanelPage;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let desk: Page;
let panel: Page;

beforeAll(async () => {
  sys = await startSystem({ panelConfig: demoPanelConfig(0) });
  centre = await startDemoCentre(sys, { password: PASSWORD, callerPassword: CALLER, guardEtaMs: 3_600_000, guardOnSiteMs: 3_600_000 });
  panelPage = await startPanelPage(sys, { consoleUrl: centre.consoleUrl });
  browser = await launchBrowser();
  desk = await browser.context.newPage();
  panel = await browser.context.newPage();
  // A missing element fails with its locator well inside the test's own timeout.
  desk.setDefaultTimeout(8_000);
  panel.setDefaultTimeout(8_000);
  mkdirSync(SHOTS, { recursive: true });
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await panelPage?.close();
  await centre?.stop();
  await sys?.stop();
  if (!process.env.UPDATE_SCREENSHOTS) rmSync(SHOTS, { recursive: true, force: true });
});

/** Screenshots without the passing notices over the content. */
async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.evaluate(() => document.getElementById("toast")?.replaceChildren());
  await page.screenshot({ path: join(SHOTS, name), fullPage });
}

async function keypad(...keys: string[]): Promise<void> {
  for (const k of keys) await panel.click(`[data-key="${k}"]`);
}

async function setZone(zone: number, open: boolean): Promise<void> {
  const sw = panel.locator(`[data-zone="${zone}"]`);
  if ((await sw.getAttribute("aria-pressed")) !== String(open)) await sw.click();
  await panel.locator(`[data-zone="${zone}"][aria-pressed="${open}"]`).waitFor();
}

/** Disarm, close the zone, arm away, open the zone: an instant zone's alarm. */
async function intrusion(zone: number): Promise<void> {
  await keypad("1", "2", "3", "4", "off");
  await setZone(zone, false);
  await keypad("1", "2", "3", "4", "away");
  await panel.locator("#display", { hasText: "armed" }).waitFor();
  await setZone(zone, true);
}

describe("the operator console and the panel page in a browser", () => {
  it("an alarm from the panel page is worked to the end in the console, by keyboard", async () => {
    await panel.goto(panelPageUrl());
    await desk.goto(centre.consoleUrl);
    await desk.fill("input[name=username]", "operator");
    await desk.fill("input[name=password]", PASSWORD);
    await desk.press("input[name=password]", "Enter");
    await desk.locator("#live.on").waitFor();
    await desk.locator("#queue", { hasText: "No open alarms" }).waitFor();

    // A fire zone is a 24-hour zone: it raises an alarm even when the house is disarmed.
    await setZone(4, true);
    const fire = desk.locator("#queue tr.row", { hasText: "zone 4 smoke" });
    await fire.waitFor();
    await setZone(4, false);
    await intrusion(3);
    // Pushed over the event stream: the console page is never reloaded.
    const row = desk.locator("#queue tr.row", { hasText: "zone 3 kitchen window" });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain("Demo House");
    // Priority, then age: the burglary (alarm) above the older fire (urgent) — protocol's delivery priority.
    const order = await desk.locator("#queue tr.row").evaluateAll((rows) => rows.map((r) => r.textContent ?? ""));
    expect(order.map((t) => (t.includes("kitchen window") ? "burglary" : t.includes("smoke") ? "fire" : t))).toEqual(["burglary", "fire"]);
    await row.focus();
    await desk.keyboard.press("t");
    await desk.locator("#incident", { hasText: "Taken byoperator" }).waitFor();
    await desk.keyboard.press("n");
    await desk.locator('[data-kind="call-contact"][data-state="done"]', { hasText: "no answer" }).first().waitFor();
    await desk.keyboard.press("n");
    await desk.locator('.task.current[data-kind="guard"]').waitFor();
    await desk.keyboard.press("d");
    await desk.locator('[data-kind="guard"][data-state="in-progress"]').waitFor();
    expect(centre.ports.guard.dispatched).toHaveLength(1);
    await shot(desk, "console-queue.png");
    await desk.keyboard.press("o");
    await desk.keyboard.type("guard on the way, police informed");
    await desk.keyboard.press("Escape");
    await desk.keyboard.press("c");
    await desk.locator("#queue tr.row").first().filter({ hasText: "zone 4 smoke" }).waitFor();
    const closed = async (cls: string) => (await centre.services.services.desk.book.list({ state: "closed" })).find((i) => i.cls === cls);
    expect(await closed("burglary")).toMatchObject({ outcome: "handled", closedBy: "operator" });
    // The fire was the smoke detector's test by the owner: taken and closed as false, by keyboard.
    await desk.locator("#queue tr.row.selected", { hasText: "zone 4 smoke" }).focus();
    await desk.keyboard.press("t");
    await desk.locator("#close-false").waitFor();
    await desk.keyboard.press("f");
    await desk.locator("#queue", { hasText: "No open alarms" }).waitFor();
    expect(await closed("fire")).toMatchObject({ outcome: "false-alarm", closedBy: "operator" });
  });

  it("a second alarm is cancelled as false with the caller password", async () => {
    await intrusion(3);
    const row = desk.locator("#queue tr.row", { hasText: "zone 3 kitchen window" });
    await row.waitFor();
    await row.click();
    await desk.click("#take");
    await desk.fill("#caller-password", CALLER);
    await desk.press("#caller-password", "Enter");
    await desk.locator("#queue", { hasText: "No open alarms" }).waitFor();
    expect((await centre.services.services.desk.book.list({ state: "closed" })).at(-1)).toMatchObject({ outcome: "false-alarm", cancelledByCustomer: true });
    expect(centre.ports.guard.dispatched).toHaveLength(1);
  });

  it("after a test is announced, an alarm is recorded as a test and not dispatched", async () => {
    await desk.goto(`${centre.consoleUrl}#/installation/${centre.installationId}`);
    await desk.fill("#test-minutes", "30");
    await desk.click("#announce-test");
    await desk.locator("#test-notices").waitFor();
    await intrusion(3);
    await desk.locator('#history tr[data-outcome="test"]').waitFor();
    await shot(panel, "panel-page.png");
    expect(await centre.services.services.desk.queue()).toEqual([]);
    expect(centre.ports.guard.dispatched).toHaveLength(1);
    await desk.locator("#link-panel-0001", { hasText: "link up" }).waitFor();
    // The owner forgot the code: changed remotely, typed once, gone from the page as soon as it is sent.
    await desk.fill("#code-user", "1");
    await desk.fill("#code-new", "86420");
    await desk.click("#send-code");
    await desk.locator("#commands strong", { hasText: "ok" }).waitFor();
    await expect(desk.inputValue("#code-new")).resolves.toBe("");
    expect(await desk.content()).not.toContain("86420");
    await keypad("8", "6", "4", "2", "0", "off");
    await panel.locator("#areas", { hasText: "house: disarmed" }).waitFor();
    await shot(desk, "console-installation.png", true);

    await desk.click("#who button");
    await desk.fill("input[name=username]", "supervisor");
    await desk.fill("input[name=password]", PASSWORD);
    await desk.press("input[name=password]", "Enter");
    await desk.locator("#nav").waitFor();
    await desk.goto(`${centre.consoleUrl}#/supervisor`);
    await desk.locator("#handling", { hasText: "taken within 30 s" }).waitFor();
    await desk.locator("#report", { hasText: "billable" }).waitFor();
    await shot(desk, "console-supervisor.png");
  });
});

function panelPageUrl(): string {
  return panelPage.url;
}
