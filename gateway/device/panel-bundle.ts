/**
 * The panel's provisioned bundle, as the centre's provisioning writes it into one directory:
 * `panel.json` (panel id, frame-key id, EN 50136 category, broker URL, the CA that signed the broker, the
 * names of the client certificate, client key and frame key files, the pinned centre key, optionally a
 * plain-TCP login) and the PEM files it names. Read and checked here, on the panel, with the file named
 * in every refusal.
 */
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { KeyObject } from "node:crypto";
import { z } from "zod";
import { PanelId, privateKeyFromPem, publicKeyFromPem, type Signer } from "../../protocol/index.js";
import { CATEGORIES, type CategoryName } from "../../protocol/supervision.js";
import { GatewayError } from "../errors.js";
import type { BrokerOptions } from "../transport.js";

const FileName = z.string().min(1).max(255).regex(/^[^/\\]+$/, "a file name inside the bundle directory");

export const PanelBundleFile = z.object({
  panel: PanelId,
  kid: z.string().min(1).max(64),
  category: z.enum(Object.keys(CATEGORIES) as [CategoryName, ...CategoryName[]]),
  broker: z.string().regex(/^(mqtts?|tcp|ssl|tls):\/\//, "mqtt://HOST:PORT or mqtts://HOST:PORT"),
  caCert: z.string().min(1),
  clientCert: FileName,
  clientKey: FileName,
  frameKey: FileName,
  centre: z.object({ kid: z.string().min(1).max(64), publicKey: z.string().min(1) }),
  username: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
});
export type PanelBundleFile = z.infer<typeof PanelBundleFile>;

/** What the device needs from a bundle: who it is, how it signs, whom it trusts, where it connects. */
export interface PanelLink {
  readonly panel: string;
  readonly category: CategoryName;
  readonly signer: Signer;
  readonly centreKey: { readonly kid: string; readonly key: KeyObject };
  readonly broker: BrokerOptions;
}

function readIn(dir: string, name: string): string {
  try {
    return readFileSync(join(dir, name), "utf8");
  } catch (e) {
    throw new GatewayError("bundle-unreadable", `${join(dir, name)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads `<dir>/panel.json` and the files it names. GatewayError "bundle-unreadable" / "bundle-invalid". */
export function loadPanelBundle(dir: string): PanelLink {
  dir = resolve(dir);
  let json: unknown;
  const text = readIn(dir, "panel.json");
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new GatewayError("bundle-invalid", `${join(dir, "panel.json")}: ${(e as Error).message}`);
  }
  const r = PanelBundleFile.safeParse(json);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new GatewayError("bundle-invalid", `${join(dir, "panel.json")}: ${i.path.join(".") || "(top)"}: ${i.message}`);
  }
  const b = r.data;
  const key = <T>(file: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      throw new GatewayError("bundle-invalid", `${file}: ${(e as Error).message}`);
    }
  };
  const framePem = readIn(dir, b.frameKey);
  // TLS material only for a TLS URL: given a client certificate, mqtt.js turns mqtt:// into TLS too,
  // and the plain-TCP demo broker would see a handshake it does not speak.
  const tls = !/^(mqtt|tcp):\/\//.test(b.broker);
  const broker: BrokerOptions = {
    url: b.broker,
    ...(tls ? { ca: b.caCert, cert: readIn(dir, b.clientCert), key: readIn(dir, b.clientKey) } : {}),
    ...(b.username !== undefined ? { username: b.username } : {}),
    ...(b.password !== undefined ? { password: b.password } : {}),
  };
  return {
    panel: b.panel,
    category: b.category,
    signer: { kid: b.kid, key: key(join(dir, b.frameKey), () => privateKeyFromPem(framePem)) },
    centreKey: { kid: b.centre.kid, key: key(`${join(dir, "panel.json")} centre.publicKey`, () => publicKeyFromPem(b.centre.publicKey)) },
    broker,
  };
}
