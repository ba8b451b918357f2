/** Runs the bins as processes (from the sources), for the deployment tests. */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

const env = { ...process.env, OPEN_ALARM_FROM_SOURCE: "1", LOG_FORMAT: "json" };

/** A bin run to completion: status, stdout, stderr; `input` is its stdin, `extraEnv` added to its environment. */
export function runBin(bin: string, args: readonly string[], o: { input?: string; extraEnv?: Record<string, string> } = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [`bin/${bin}.js`, ...args], { env: { ...env, ...o.extraEnv }, encoding: "utf8", timeout: 60_000, input: o.input ?? "" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface CentreProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  /** The first log line whose msg is `msg` (waits for it). */
  line(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then the exit status. */
  stop(): Promise<number | null>;
}

export function startCentreProcess(args: readonly string[]): CentreProcess {
  const child = spawn(process.execPath, ["bin/alarm-centre.js", ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => {
    try {
      lines.push(JSON.parse(l) as Record<string, unknown>);
    } catch {
      lines.push({ msg: l });
    }
    waiters.splice(0).forEach((f) => f());
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    lines,
    line(msg, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no '${msg}' log line; stderr: ${stderr}; lines: ${JSON.stringify(lines)}`)), timeoutMs);
        const look = () => {
          const found = lines.find((x) => x.msg === msg);
          if (found) {
            clearTimeout(t);
            resolve(found);
          } else waiters.push(look);
        };
        look();
        void exited.then(() => waiters.length && look());
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}
