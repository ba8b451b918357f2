/**
 * alarm-sim: the installer's and the tests' command line for the panel firmware.
 *   alarm-sim scenario CONFIG SCENARIO [--db FILE]   run the firmware on SimIO in virtual time, JSON lines out
 *   alarm-sim eventlog --db FILE [--limit N]          print the non-volatile event log, newest first
 *   alarm-sim hash-code CODE                          print the scrypt hash to put in a config's codeHash
 * Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (the error's stable code is printed).
 */
import { existsSync } from "node:fs";
import { Writable } from "node:stream";
import { intFlag, runCommand, UsageError } from "../../protocol/cli/command-line.js";
import { loadConfig } from "../../firmware/config/load-config.js";
import { hashCode } from "../../firmware/codes/code-hash.js";
import { FirmwareError, isFirmwareError } from "../../firmware/firmware-error.js";
import { SqliteStore } from "../../firmware/store/sqlite-store.js";
import { runScenario } from "./scenario-runner.js";
import { loadScenario } from "./scenario-schema.js";

const USAGE = `usage:
  alarm-sim scenario CONFIG SCENARIO [--db FILE]   run the firmware on SimIO in virtual time, JSON lines out
  alarm-sim eventlog --db FILE [--limit N]          print the non-volatile event log, newest first
  alarm-sim hash-code CODE                          print the scrypt hash for a config's codeHash

Exit status: 0 ok, 1 runtime failure, 2 bad usage or bad input (the error's stable code is printed).`;

const OPTIONS = { db: { type: "string" }, limit: { type: "string" } } as const;

/** A Writable that hands each chunk to `f`, so tests can collect output as strings. */
function sink(f: (s: string) => void): Writable {
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      f(chunk.toString());
      done();
    },
  });
}

export function main(
  argv: readonly string[],
  write: (s: string) => void = (s) => process.stdout.write(s),
  error: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  const io = { stdin: process.stdin, stdout: sink(write), stderr: sink(error) };
  return runCommand({ name: "alarm-sim", usage: USAGE, options: OPTIONS, positionals: { min: 1, max: 3 } }, argv, io, async ({ values, positionals }) => {
    const [cmd, ...args] = positionals;
    const takes: Record<string, { flags: readonly string[]; args: number }> = { scenario: { flags: ["db"], args: 2 }, eventlog: { flags: ["db", "limit"], args: 0 }, "hash-code": { flags: [], args: 1 } };
    const t = takes[cmd!];
    if (!t) throw new UsageError(`unknown command '${cmd}' (see --help)`);
    const extra = Object.keys(values).find((k) => !t.flags.includes(k));
    if (extra) throw new UsageError(`${cmd} does not take --${extra} (see --help)`);
    if (args.length !== t.args) throw new UsageError(`${cmd} takes ${t.args} argument(s) (see --help)`);
    try {
      return await run(cmd!, args, values, write);
    } catch (e) {
      // Bad input (a config, a scenario, a missing event log) is the user's to fix: its code, exit 2.
      if (isFirmwareError(e)) {
        error(`${e.message}\n`);
        return 2;
      }
      throw e;
    }
  });
}

async function run(cmd: string, args: string[], values: { db?: string; limit?: string }, write: (s: string) => void): Promise<number> {
  switch (cmd) {
    case "scenario": {
      const [cfgFile, scFile] = args as [string, string];
      const cfg = loadConfig(cfgFile);
      const sc = loadScenario(scFile);
      const store = values.db ? new SqliteStore(values.db, cfg.eventLog.capacity) : undefined;
      try {
        await runScenario(cfg, sc, { ...(store ? { store } : {}), out: (line) => write(`${JSON.stringify(line)}\n`) });
      } finally {
        store?.close();
      }
      return 0;
    }
    case "eventlog": {
      const db = values.db;
      if (!db) throw new UsageError("eventlog needs --db FILE");
      const limit = intFlag("limit", values.limit, 1, 1_000_000) ?? 50;
      if (!existsSync(db)) throw new FirmwareError("store-failed", `${db}: no such event log`);
      const store = new SqliteStore(db);
      try {
        for (const e of store.recent(limit)) write(`${JSON.stringify({ ...e, time: new Date(e.at).toISOString() })}\n`);
      } finally {
        store.close();
      }
      return 0;
    }
    default: {
      const code = args[0]!;
      if (!/^\d{4,8}$/.test(code)) throw new UsageError("hash-code takes a code of 4 to 8 digits");
      write(`${hashCode(code)}\n`);
      return 0;
    }
  }
}
