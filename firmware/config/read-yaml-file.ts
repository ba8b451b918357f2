/** Reads a YAML (or JSON: JSON is YAML) file for the panel's config and the simulator's scenarios. */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { FirmwareError, type FirmwareErrorCode } from "../firmware-error.js";

/** The parsed document, not yet validated; a missing or unparsable file is a FirmwareError with `code`. */
export function readYamlFile(file: string, code: FirmwareErrorCode): unknown {
  try {
    return parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new FirmwareError(code, `${file}: ${(e as Error).message}`);
  }
}
