/**
 * SIA DC-09 framing, for comparison with our frames and for bridges to receivers that speak it
 * (ANSI/SIA DC-09; the essentials this file relies on are in protocol/README.md):
 *   <LF><CRC 4 hex><0LLL>"ID"<seq 4>[R<rcvr>]L<line>#<acct>[<data>][x-data]_HH:MM:SS,MM-DD-YYYY<CR>
 * CRC-16/ARC over the text from the first `"` to before CR; encrypted messages (`*` before the ID) carry
 * AES-CBC with a zero IV over random padding, `|`, the data and the timestamp.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/** CRC-16/ARC: poly 0xA001 reflected, init 0. Check value of "123456789" is 0xBB3D. */
export function crc16arc(data: Uint8Array): number {
  let crc = 0;
  for (const byte of data) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

function timestamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `_${p(at.getUTCHours())}:${p(at.getUTCMinutes())}:${p(at.getUTCSeconds())},${p(at.getUTCMonth() + 1)}-${p(at.getUTCDate())}-${at.getUTCFullYear()}`;
}

export interface Dc09Message {
  readonly id: "SIA-DCS" | "ADM-CID" | "NULL";
  readonly seq: number;
  readonly receiver?: string;
  readonly line: string;
  readonly account: string;
  /** The data block without brackets, e.g. ADM-CID `#1234|1130 01 012`. */
  readonly data: string;
  readonly at: Date;
}

/** Encode one DC-09 message; with a key (16/24/32 bytes) the data and timestamp are AES-CBC encrypted. */
export function encodeDc09(m: Dc09Message, key?: Uint8Array): Buffer {
  const head = `${m.seq.toString().padStart(4, "0")}${m.receiver !== undefined ? `R${m.receiver}` : ""}L${m.line}#${m.account}`;
  let body: string;
  let id: string = `"${m.id}"`;
  if (key) {
    id = `"*${m.id}"`;
    const plain = `|${m.data}]${timestamp(m.at)}`;
    // Random padding before '|' to a whole number of AES blocks.
    const padLen = 16 - (Buffer.byteLength(plain) % 16);
    const pad = randomBytes(padLen).toString("hex").slice(0, padLen);
    const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
    cipher.setAutoPadding(false);
    body = `[${Buffer.concat([cipher.update(pad + plain), cipher.final()]).toString("hex").toUpperCase()}`;
  } else {
    body = `[${m.data}]${timestamp(m.at)}`;
  }
  const text = `${id}${head}${body}`;
  const len = Buffer.byteLength(text).toString(16).toUpperCase().padStart(4, "0");
  const crc = crc16arc(Buffer.from(text)).toString(16).toUpperCase().padStart(4, "0");
  return Buffer.from(`\n${crc}${len}${text}\r`);
}

/** Decrypt the bracketed hex block of an encrypted message (for tests and bridges). */
export function decryptDc09Block(hex: string, key: Uint8Array): string {
  const d = createDecipheriv(`aes-${key.length * 8}-cbc`, key, Buffer.alloc(16));
  d.setAutoPadding(false);
  const plain = Buffer.concat([d.update(Buffer.from(hex, "hex")), d.final()]).toString();
  return plain.slice(plain.indexOf("|"));
}

/** ADM-CID data block for a Contact ID event: `#acct|QEEE GG CCC`. */
export function admCidData(account: string, qualifier: number, code: number, group: number, zoneOrUser: number): string {
  return `#${account}|${qualifier}${String(code).padStart(3, "0")} ${String(group).padStart(2, "0")} ${String(zoneOrUser).padStart(3, "0")}`;
}
