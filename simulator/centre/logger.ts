/** The logger port: injected everywhere, never a module-level singleton. */
export type LogLevel = "info" | "warn" | "error";

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
}

export const silentLogger: Logger = { log() {} };

export const consoleLogger: Logger = {
  log(level, msg, fields) {
    const line = fields ? `${msg} ${JSON.stringify(fields)}` : msg;
    (level === "info" ? console.log : console.warn)(`[${level}] ${line}`);
  },
};

/** Keeps every line, for tests that assert a denial was logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; msg: string; fields?: Readonly<Record<string, unknown>> }[] = [];
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void {
    this.lines.push({ level, msg, ...(fields ? { fields } : {}) });
  }
  matching(re: RegExp) {
    return this.lines.filter((l) => re.test(l.msg));
  }
}
