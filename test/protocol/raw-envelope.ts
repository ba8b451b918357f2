/**
 * Hand-built COSE_Sign1 envelopes (RFC 9052 §4.2, tag 18) around arbitrary payload bytes, bypassing the
 * sealers' validation, so decoder tests can present what our own encoder would never write.
 */
import { sign, type KeyObject } from "node:crypto";
import { encodeCanonical, sigStructure, type CborValue } from "../../protocol/index.js";

export interface RawEnvelopeOptions {
  /** Protected-header algorithm (label 1); EdDSA (-8) unless told. */
  readonly alg?: number;
  /** Protected-header key id (label 4). */
  readonly kid: string;
  readonly unprotected?: Map<number, CborValue>;
}

/** Signs `payload` with `key` (RFC 9052 §4.4), or writes 64 bytes of garbage as the signature when `key` is null. */
export function rawEnvelope(payload: Uint8Array, key: KeyObject | null, opts: RawEnvelopeOptions): Uint8Array {
  const prot = encodeCanonical(new Map<number, CborValue>([[1, opts.alg ?? -8], [4, new Uint8Array(Buffer.from(opts.kid))]]));
  const sig = key ? new Uint8Array(sign(null, sigStructure(prot, payload), key)) : new Uint8Array(64).fill(1);
  return encodeCanonical({ tag: 18, value: [prot, opts.unprotected ?? new Map(), payload, sig] });
}
