/**
 * alarmctl: the field technician's tool for protocol v1 frames.
 *   alarmctl keygen --out DIR [--force]          DIR/private.pem (PKCS#8) and DIR/public.pem (SPKI)
 *   alarmctl example                             one valid uplink payload (an alarm) as a JSON line
 *   alarmctl encode --key PRIVATE.pem --kid ID   payload JSON lines on stdin -> signed frames as hex lines
 *   alarmctl decode --pub PUBLIC.pem [--panel ID] [--now MS]
 *                                                hex frames on stdin (as `mosquitto_sub -F %x` prints them)
 *                                                -> payload JSON lines; a bad frame -> JSON error on stderr, exit 1
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { processIo, runCommand, UsageError, type Io } from "./command-line.js";
import { ProtocolError } from "../errors.js";
import { parseSign1, signSign1, verifySign1 } from "../cose.js";
import { checkFreshness } from "../freshness.js";
import { decodeUplinkPayload, encodeUplinkPayload } from "../uplink.js";
import { generateEd25519, privateKeyFromPem, publicKeyFromPem } from "../keys.js";
import { examplePayload } from "./example.js";

const USAGE = `usage: alarmctl <command> [options]

commands:
  keygen --out DIR [--force]        write DIR/private.pem and DIR/public.pem (Ed25519); never
                                    overwrites a key without --force
  example                           print one valid example uplink payload as a JSON line
  encode --key PRIVATE.pem --kid ID read payload JSON lines on stdin, write signed frames as hex lines
  decode --pub PUBLIC.pem           read hex frames on stdin, write verified payloads as JSON lines
         [--panel ID]               also require the frame to belong to this panel (the topic's)
         [--now MS|now]             also check the transmission time against this clock (-40 s/+20 s)

A bad line gives a JSON error line on stderr ({"line":N,"error":CODE,"message":...}) and exit status 1.
Exit status 2: a wrong command line or an unreadable file.`;

const OPTIONS = {
  out: { type: "string" },
  force: { type: "boolean" },
  key: { type: "string" },
  kid: { type: "string" },
  pub: { type: "string" },
  panel: { type: "string" },
  now: { type: "string" },
} as const;

type Flags = { readonly [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]["type"] extends "boolean" ? boolean : string };

function readKeyFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function need(flags: Flags, name: "out" | "key" | "kid" | "pub"): string {
  const v = flags[name];
  if (v === undefined) throw new UsageError(`--${name} is required`);
  return v;
}

async function* lines(input: Readable): AsyncGenerator<[number, string]> {
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    n++;
    const t = line.trim();
    if (t !== "") yield [n, t];
  }
}

function errorLine(line: number, e: unknown): string {
  const code = e instanceof ProtocolError ? e.code : "malformed";
  const message = e instanceof Error ? e.message : String(e);
  return JSON.stringify({ line, error: code, message }) + "\n";
}

async function encode(flags: Flags, io: Io): Promise<number> {
  const key = privateKeyFromPem(readKeyFile(need(flags, "key")));
  const kid = need(flags, "kid");
  let status = 0;
  for await (const [n, text] of lines(io.stdin)) {
    try {
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (e) {
        throw new ProtocolError("malformed", `not JSON: ${(e as Error).message}`);
      }
      // encodeUplinkPayload validates the parsed JSON against the schema, naming the bad field.
      io.stdout.write(Buffer.from(signSign1(encodeUplinkPayload(payload), key, kid)).toString("hex") + "\n");
    } catch (e) {
      io.stderr.write(errorLine(n, e));
      status = 1;
    }
  }
  return status;
}

async function decode(flags: Flags, io: Io): Promise<number> {
  const pub = publicKeyFromPem(readKeyFile(need(flags, "pub")));
  const panel = flags.panel;
  const nowFlag = flags.now;
  const fixedNow = nowFlag === undefined || nowFlag === "now" ? undefined : Number(nowFlag);
  if (fixedNow !== undefined && !Number.isSafeInteger(fixedNow)) throw new UsageError("--now takes UTC milliseconds or 'now'");
  // `--now now` reads the clock per frame: a technician may pipe live traffic through for hours.
  const nowFor = (): number | undefined => (nowFlag === "now" ? Date.now() : fixedNow);
  let status = 0;
  for await (const [n, text] of lines(io.stdin)) {
    try {
      if (!/^([0-9a-fA-F]{2})+$/.test(text)) throw new ProtocolError("malformed", "line is not hex");
      const frame = new Uint8Array(Buffer.from(text, "hex"));
      // One public key is given: it answers for whatever kid the frame names. The checks run in the
      // same order as openUplink's: envelope, signature, payload, panel, time.
      const parsed = parseSign1(frame);
      verifySign1(parsed, pub);
      const payload = decodeUplinkPayload(parsed.payload);
      if (panel !== undefined && payload.panel !== panel) throw new ProtocolError("wrong-panel", `payload names panel ${payload.panel}, not ${panel}`);
      const now = nowFor();
      if (now !== undefined) checkFreshness(payload.sent, now);
      io.stdout.write(JSON.stringify(payload) + "\n");
    } catch (e) {
      io.stderr.write(errorLine(n, e));
      status = 1;
    }
  }
  return status;
}

/** Which flags each command takes; any other is a usage error. */
const TAKES: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  keygen: ["out", "force"],
  example: [],
  encode: ["key", "kid"],
  decode: ["pub", "panel", "now"],
};

export function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  return runCommand({ name: "alarmctl", usage: USAGE, options: OPTIONS, positionals: { min: 1, max: 1 } }, argv, io, async ({ values, positionals }) => {
    const cmd = positionals[0]!;
    const takes = TAKES[cmd];
    if (!takes) throw new UsageError(`unknown command '${cmd}' (see --help)`);
    const extra = Object.keys(values).find((k) => !takes.includes(k as keyof typeof OPTIONS));
    if (extra) throw new UsageError(`${cmd} does not take --${extra} (see --help)`);
    try {
      switch (cmd) {
        case "keygen":
          return keygen(values, io);
        case "example":
          io.stdout.write(JSON.stringify(examplePayload(Date.now())) + "\n");
          return 0;
        case "encode":
          return await encode(values, io);
        default:
          return await decode(values, io);
      }
    } catch (e) {
      if (e instanceof ProtocolError) {
        io.stderr.write(JSON.stringify({ error: e.code, message: e.message }) + "\n");
        return 1;
      }
      throw e;
    }
  });
}

function keygen(flags: Flags, io: Io): number {
  const dir = need(flags, "out");
  const files = [join(dir, "private.pem"), join(dir, "public.pem")];
  const there = files.find((f) => existsSync(f));
  if (there && !flags.force) throw new UsageError(`${there} exists; --force overwrites it`);
  mkdirSync(dir, { recursive: true });
  const kp = generateEd25519();
  writeFileSync(files[0]!, kp.privatePem, { mode: 0o600 });
  writeFileSync(files[1]!, kp.publicPem);
  io.stdout.write(`wrote ${files[0]} and ${files[1]}\n`);
  return 0;
}
