/**
 * A whole centre and one panel as separate processes on loopback, every one of them killable with SIGKILL:
 * the broker (Mosquitto on the config alarm-provision generates: TLS client certificates, CRL,
 * dynamic-security roles; or the centre's embedded aedes broker alone in a process), receivers sharing
 * the store file (receiver-main.ts, each with its own certificate), and the panel's gateway on its file
 * outbox from a provisioned bundle (fixtures/bundle-panel.ts). Used by process-kill.test.ts and the
 * `npm run soak -- faults` runner.
 */
import { fork, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { eventDef } from "../../protocol/index.js";
import { writeBrokerFiles } from "../../simulator/centre/broker/broker-files.js";
import { SqliteCentreStore } from "../../simulator/centre/store-pg/sqlite-store.js";
import { freePort, waitForPort } from "../../simulator/centre/broker/broker-mosquitto.js";
import { initCentre, issueCentreClient, provisionPanel, type CentreDir } from "../../simulator/centre/pki/provisioning.js";
import { CentreStore } from "../../simulator/centre/store/centre-store.js";
import { mosquittoPath } from "../bench/brokers.js";
import { AT0 } from "../gateway/fixtures/panel-process.js";
import { spawnPanelRun, type PanelRun } from "../gateway/fixtures/panel-run.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const RECEIVER_MAIN = join(HERE, "../../simulator/centre/receiver/receiver-main.ts");

export type BrokerKind = "mosquitto" | "aedes";

export class KillRig {
  readonly dir = mkdtempSync(join(tmpdir(), "kill-rig-"));
  readonly centre: CentreDir;
  readonly panel = "K1";
  port = 0;
  private broker: ChildProcess | undefined;
  private readonly receivers = new Map<string, ChildProcess>();
  private panelRun: PanelRun | undefined;
  /** Every index whose report() returned, in any run, and indices in limbo (killed between commit and print). */
  readonly reported = new Map<number, number>();
  readonly limbo = new Set<number>();
  readonly kills: string[] = [];
  private nextIndex = 0;

  constructor(readonly kind: BrokerKind) {
    this.centre = initCentre(join(this.dir, "centre"));
  }

  get url(): string {
    return `mqtts://localhost:${this.port}`;
  }

  /** Provision the panel and two receivers, write the broker files, start the broker. */
  async setUp(receivers = ["receiver-1", "receiver-2"]): Promise<void> {
    this.port = await freePort();
    const store = CentreStore.open(this.centre.dbPath);
    try {
      provisionPanel(this.centre, store, { panel: this.panel, category: "SP6", outDir: join(this.dir, "bundle"), broker: this.url });
      for (const name of receivers) {
        const kc = issueCentreClient(this.centre, store, "receiver", name);
        mkdirSync(join(this.dir, name));
        writeFileSync(join(this.dir, name, "cert.pem"), kc.certPem);
        writeFileSync(join(this.dir, name, "key.pem"), kc.keyPem, { mode: 0o600 });
      }
      await writeBrokerFiles(this.centre, SqliteCentreStore.over(store).registry, { port: this.port });
    } finally {
      store.close();
    }
    await this.startBroker();
    for (const name of receivers) await this.startReceiver(name);
  }

  async startBroker(): Promise<void> {
    let proc: ChildProcess;
    let out = "";
    if (this.kind === "mosquitto") {
      const bin = mosquittoPath();
      if (!bin) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
      proc = spawn(bin, ["-c", join(this.centre.dir, "mosquitto.conf")], { stdio: ["ignore", "pipe", "pipe"] });
    } else {
      proc = spawn(process.execPath, ["--import", "tsx", join(HERE, "fixtures", "aedes-process.ts"), this.centre.dir, String(this.port)], { stdio: ["ignore", "pipe", "pipe"] });
    }
    proc.stdout?.on("data", (d) => (out += d));
    proc.stderr?.on("data", (d) => (out += d));
    await waitForPort(proc, this.port, () => out, 15_000);
    this.broker = proc;
  }

  async startReceiver(name: string): Promise<void> {
    const d = join(this.dir, name);
    const args = ["--centre", this.centre.dir, "--url", this.url, "--name", name, "--cert", join(d, "cert.pem"), "--key", join(d, "key.pem"), "--protocol-version", this.kind === "mosquitto" ? "5" : "4", "--quiet"];
    const c = fork(RECEIVER_MAIN, args, { execArgv: ["--import", "tsx"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
    await new Promise<void>((resolve, reject) => {
      c.once("message", () => resolve());
      c.once("exit", (code) => reject(new Error(`receiver ${name} exited with ${code}`)));
    });
    c.removeAllListeners("exit");
    this.receivers.set(name, c);
  }

  /** Start (or restart) the panel, reporting the next `count` events `intervalMs` apart. */
  startPanel(count: number, intervalMs: number): PanelRun {
    const from = this.nextIndex;
    const to = from + count;
    this.nextIndex = to;
    const args = [join(this.dir, "bundle"), join(this.dir, "gateway.db"), String(from), String(to), String(intervalMs)];
    const run = spawnPanelRun(join(HERE, "fixtures", "bundle-panel.ts"), args, undefined, (i, seq) => this.reported.set(i, seq));
    this.panelRun = run;
    return run;
  }

  private static async kill(proc: ChildProcess | undefined): Promise<void> {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGKILL");
    await exited;
  }

  async killBroker(restartAfterMs: number): Promise<void> {
    this.kills.push(`broker(${this.kind})`);
    await KillRig.kill(this.broker);
    await new Promise((r) => setTimeout(r, restartAfterMs));
    await this.startBroker();
  }

  async killReceiver(name: string, restartAfterMs: number): Promise<void> {
    this.kills.push(name);
    await KillRig.kill(this.receivers.get(name));
    await new Promise((r) => setTimeout(r, restartAfterMs));
    await this.startReceiver(name);
  }

  /** SIGKILL the panel mid-stream; the event after the last printed one may have been committed unprinted. */
  async killPanel(): Promise<void> {
    const run = this.panelRun!;
    this.kills.push("panel");
    await KillRig.kill(run.proc);
    const last = Math.max(-1, ...run.reported.keys());
    const planned = this.nextIndex;
    if (last + 1 < planned) {
      this.limbo.add(last + 1);
      this.nextIndex = last + 2; // the rest of the stream goes on in the next run
    }
  }

  panelLines(): readonly string[] {
    return this.panelRun?.lines ?? [];
  }

  async waitDrained(timeoutMs: number): Promise<void> {
    const run = this.panelRun!;
    const end = Date.now() + timeoutMs;
    while (!run.lines.includes("DRAINED")) {
      if (Date.now() > end) throw new Error(`panel not drained within ${timeoutMs} ms (${this.kills.join(", ")})`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => (run.proc.exitCode !== null ? r(undefined) : run.proc.once("exit", r)));
  }

  /** The panel's frames as stored by the centre, in storage order: index of the event, seq, class. */
  stored(): { index: number; seq: number; prio: number }[] {
    const db = new Database(this.centre.dbPath, { readonly: true, timeout: 5000 });
    try {
      const rows = db.prepare("SELECT seq, payload FROM frames WHERE panel = ? ORDER BY id").all(this.panel) as { seq: number; payload: string }[];
      return rows.flatMap((r) => {
        const p = JSON.parse(r.payload) as { events?: { code: number; at: number }[] };
        // The stream's own events (at = AT0 + index), not the gateway's link troubles (at = now).
        const own = (p.events ?? []).filter((e) => e.at >= AT0 && e.at < AT0 + 1e9);
        return own.map((e) => ({ index: e.at - AT0, seq: r.seq, prio: eventDef(e.code)!.priority }));
      });
    } finally {
      db.close();
    }
  }

  /**
   * Lost (reported, not stored), doubled (stored twice), unexpected (stored, never reported and not in
   * limbo), and how many stored frames came after a higher seq of their class (storage order).
   */
  verdict(): { reported: number; stored: number; lost: number[]; doubled: number[]; unexpected: number[]; outOfOrder: number; limboStored: number } {
    const stored = this.stored();
    const count = new Map<number, number>();
    for (const s of stored) count.set(s.index, (count.get(s.index) ?? 0) + 1);
    const lost = [...this.reported.keys()].filter((i) => !count.has(i));
    const doubled = [...count].filter(([, n]) => n > 1).map(([i]) => i);
    const unexpected = [...count.keys()].filter((i) => !this.reported.has(i) && !this.limbo.has(i));
    const last = new Map<number, number>();
    let outOfOrder = 0;
    for (const s of stored) {
      if ((last.get(s.prio) ?? -1) > s.seq) outOfOrder++;
      last.set(s.prio, s.seq);
    }
    return { reported: this.reported.size, stored: stored.length, lost, doubled, unexpected, outOfOrder, limboStored: [...this.limbo].filter((i) => count.has(i)).length };
  }

  async close(): Promise<void> {
    await KillRig.kill(this.panelRun?.proc);
    for (const r of this.receivers.values()) await KillRig.kill(r);
    await KillRig.kill(this.broker);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
