/** Reads a panel config (YAML or JSON; JSON is YAML) and validates it with readable, path-naming errors. */
import { z } from "zod";
import { FirmwareError } from "../firmware-error.js";
import { PanelConfig } from "./panel-config.js";
import { readYamlFile } from "./read-yaml-file.js";

export function parseConfig(input: unknown): PanelConfig {
  const r = PanelConfig.safeParse(input);
  if (!r.success) throw new FirmwareError("config-invalid", `panel config:\n${z.prettifyError(r.error)}`);
  return r.data;
}

export function loadConfig(file: string): PanelConfig {
  return parseConfig(readYamlFile(file, "config-unreadable"));
}
