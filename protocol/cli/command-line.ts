/**
 * The one argument layer of every command (alarmctl, alarm-sim, alarm-panel, alarm-centre,
 * alarm-provision): node's util.parseArgs in strict mode, the same exit codes and the same one-line
 * errors everywhere, and never a stack trace for a user's mistake.
 *
 *   exit 0  done, or --help / --version (printed to stdout)
 *   exit 1  the command ran and failed: "<command>: <code>: <message>" on stderr (a CodedError's code)
 *   exit 2  the command line is wrong: "<command>: <what is wrong>" on stderr, one line
 */
import { readFileSync } from "node:fs";
import type { Readable, Writable } from "node:stream";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CodedError } from "../errors.js";

export interface Io {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

export const processIo: Io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };

/** A mistake on the command line (unknown flag, missing or bad value): exit 2. */
export class UsageError extends CodedError<"usage"> {
  override readonly name = "UsageError";
  constructor(message: string) {
    super("usage", message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

export interface CommandSpec<O extends Options> {
  /** As the user types it, e.g. "alarm-panel". */
  readonly name: string;
  /** The whole --help text. */
  readonly usage: string;
  readonly options: O;
  /** Positional arguments allowed (e.g. a sub-command); default none. */
  readonly positionals?: { readonly min?: number; readonly max: number };
}

export type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ options: O; strict: true; allowPositionals: true }>>;

let versionCache: string | undefined;
/** The package version, for --version. */
export function packageVersion(): string {
  if (versionCache === undefined) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: string };
    versionCache = pkg.version ?? "0.0.0";
  }
  return versionCache;
}

/**
 * Parses `argv` and runs `body`. Returns the exit status instead of exiting, so tests call commands as
 * functions; `bin/` scripts set process.exitCode from it.
 */
export async function runCommand<O extends Options>(
  spec: CommandSpec<O>,
  argv: readonly string[],
  io: Io,
  body: (args: Parsed<O>, io: Io) => Promise<number | void> | number | void,
): Promise<number> {
  let args: Parsed<O>;
  try {
    if (argv.includes("--help") || argv.includes("-h")) {
      io.stdout.write(spec.usage.endsWith("\n") ? spec.usage : `${spec.usage}\n`);
      return 0;
    }
    if (argv.includes("--version")) {
      io.stdout.write(`${spec.name} ${packageVersion()}\n`);
      return 0;
    }
    args = parseArgs({ args: [...argv], options: spec.options, strict: true, allowPositionals: true }) as Parsed<O>;
    const n = args.positionals.length;
    const max = spec.positionals?.max ?? 0;
    const min = spec.positionals?.min ?? 0;
    if (n > max) throw new UsageError(`unexpected argument '${args.positionals[max]}' (see --help)`);
    if (n < min) throw new UsageError(`missing argument (see --help)`);
  } catch (e) {
    io.stderr.write(`${spec.name}: ${usageMessage(e)}\n`);
    return 2;
  }
  guardPipes(io);
  try {
    return (await body(args, io)) ?? 0;
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`${spec.name}: ${e.message.replace(/^usage: /, "")}\n`);
      return 2;
    }
    io.stderr.write(`${spec.name}: ${failureMessage(e)}\n`);
    return 1;
  }
}

/** parseArgs' own messages name the flag; keep the first sentence, one line. */
function usageMessage(e: unknown): string {
  if (e instanceof UsageError) return e.message.replace(/^usage: /, "");
  const msg = e instanceof Error ? e.message : String(e);
  // node:util parseArgs on "--flag -5": say what to write instead of "argument is ambiguous".
  const dash = /^Option '(--[^']+)' argument is ambiguous\./.exec(msg);
  if (dash) return `${dash[1]} needs a value; one that starts with a dash is written ${dash[1]}=-VALUE (see --help)`;
  return `${msg.split("\n")[0]!.replace(/\. To specify .*$/, "")} (see --help)`;
}

/** A typed error keeps its "code: message"; a system error (ENOENT on a path...) says which file. */
export function failureMessage(e: unknown): string {
  if (e instanceof CodedError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === "string" && typeof err.message === "string") return `${err.code}: ${err.message}`;
  return `internal: ${e instanceof Error ? e.message : String(e)}`;
}

/** `cmd | head` closes our stdout early: that is the reader's choice, not an error to print. */
function guardPipes(io: Io): void {
  for (const s of [io.stdout, io.stderr]) {
    if (s.listenerCount("error") === 0) {
      s.on("error", (e: NodeJS.ErrnoException) => {
        if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
        throw e;
      });
    }
  }
}

/** A flag's value as a whole number within bounds, or a UsageError naming the flag. */
export function intFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not '${value}'`);
  }
  return n;
}

/** HOST:PORT (port 0 = any free port), or a UsageError naming the flag. */
export function hostPortFlag(name: string, value: string | undefined): { host: string; port: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^(.*):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : NaN;
  if (!m || m[1] === "" || port > 65535) throw new UsageError(`--${name} takes HOST:PORT, e.g. 127.0.0.1:9464, not '${value}'`);
  return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), port };
}

/** A required flag, or a UsageError naming it. */
export function required<T>(name: string, value: T | undefined): T {
  if (value === undefined) throw new UsageError(`--${name} is required (see --help)`);
  return value;
}
