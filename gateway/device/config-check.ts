/** A panel config file checked without starting anything: every problem as one line naming its key. */
import { PanelConfig } from "../../firmware/index.js";
import { readYamlFile } from "../../firmware/config/read-yaml-file.js";
import { isFirmwareError } from "../../firmware/firmware-error.js";

export type ConfigCheck = { readonly ok: true; readonly config: PanelConfig } | { readonly ok: false; readonly problems: readonly string[] };

export function checkConfigFile(file: string): ConfigCheck {
  let doc: unknown;
  try {
    doc = readYamlFile(file, "config-unreadable");
  } catch (e) {
    if (isFirmwareError(e)) return { ok: false, problems: [e.message.split("\n")[0]!] };
    throw e;
  }
  const r = PanelConfig.safeParse(doc);
  if (r.success) return { ok: true, config: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => `${file}: ${i.path.length ? i.path.join(".") : "(top level)"}: ${i.message.split("\n")[0]}`),
  };
}
