/**
 * alarm-sim: the installer's and the tests' command line for the panel firmware.
 *   alarm-sim scenario CONFIG SCENARIO [--db FILE]   run the firmware on SimIO in virtual time, JSON lines out
 *   alarm-sim eventlog --db FILE [--limit N]          print the non-volatile event log, newest first
 *   alarm-sim hash-code CODE                          print the scrypt hash to put in a config's codeHash
 *   alarm-sim --help                                  usage on stdout
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (the error's stable code is printed).
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { loadConfig } from "../../firmware/config/load-config.js";
import { hashCode } from "../../firmware/codes/code-hash.js";
import { FirmwareError, isFirmwareError } from "../../firmware/firmware-error.js";
import { SqliteStore } from "../../firmware/store/sqlite-store.js";
import { runScenario } from "./scenario-runner.js";
import { loadScenario } from "./scenario-schema.js";

const USAGE = `usage:
  alarm-sim scenario CONFIG SCENARIO [--db FILE]
  alarm-sim eventlog --db FILE [--limit N]
  alarm-sim hash-code CODE
  alarm-sim --help`;

/** The flags each subcommand takes; anything else starting with "-" is an unknown flag. */
const FLAGS: Record<string, readonly string[]> = { scenario: ["--db"], eventlog: ["--db", "--limit"], "hash-code": [] };

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
}

export async function main(
  argv: string[],
  write: (s: string) => void = (s) => process.stdout.write(s),
  error: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const args = [...argv];
  if (args.includes("--help") || args.includes("-h")) {
    write(`${USAGE}\n`);
    return 0;
  }
  const cmd = args.shift();
  const unknown = args.find((a) => /^-/.test(a) && !/^-\d/.test(a) && !(FLAGS[cmd ?? ""] ?? []).includes(a));
  if (unknown !== undefined) {
    error(`alarm-sim: unknown flag ${unknown}\n`);
    return 2;
  }
  try {
    switch (cmd) {
      case "scenario": {
        const db = flag(args, "--db");
        const [cfgFile, scFile] = args;
        if (!cfgFile || !scFile) break;
        const cfg = loadConfig(cfgFile);
        const sc = loadScenario(scFile);
        const store = db ? new SqliteStore(db, cfg.eventLog.capacity) : undefined;
        try {
          await runScenario(cfg, sc, { ...(store ? { store } : {}), out: (line) => write(`${JSON.stringify(line)}\n`) });
        } finally {
          store?.close();
        }
        return 0;
      }
      case "eventlog": {
        const db = flag(args, "--db");
        const limit = Number(flag(args, "--limit") ?? "50");
        if (!db || !Number.isInteger(limit) || limit < 1) break;
        if (!existsSync(db)) throw new FirmwareError("store-failed", `${db}: no such event log`);
        const store = new SqliteStore(db);
        try {
          for (const e of store.recent(limit)) write(`${JSON.stringify({ ...e, time: new Date(e.at).toISOString() })}\n`);
        } finally {
          store.close();
        }
        return 0;
      }
      case "hash-code": {
        const code = args[0];
        if (!code || !/^\d{4,8}$/.test(code)) break;
        write(`${hashCode(code)}\n`);
        return 0;
      }
    }
  } catch (e) {
    if (isFirmwareError(e)) {
      error(`${e.message}\n`);
      return 2;
    }
    error(`alarm-sim: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
  error(`${USAGE}\n`);
  return 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
