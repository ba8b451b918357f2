/** Reads a panel config (YAML or JSON; JSON is YAML) and validates it with readable, path-naming errors. */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { FirmwareError } from "../firmware-error.js";
import { PanelConfig } from "./panel-config.js";

export function parseConfig(input: unknown): PanelConfig {
  const r = PanelConfig.safeParse(input);
  if (!r.success) throw new FirmwareError("config-invalid", `panel config:\n${z.prettifyError(r.error)}`);
  return r.data;
}

export function loadConfig(file: string): PanelConfig {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new FirmwareError("config-unreadable", `${file}: ${(e as Error).message}`);
  }
  return parseConfig(raw);
}
