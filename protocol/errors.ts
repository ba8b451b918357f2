/**
 * The base of every typed error of the system (ProtocolError, FirmwareError, GatewayError, CentreError):
 * a stable `code` that tests, logs and metrics match on, and it leads the message.
 */
export class CodedError<C extends string = string> extends Error {
  constructor(
    readonly code: C,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

/**
 * Every way a frame, payload or key can be refused. The code is stable: tests, logs, NAK reasons and
 * `alarmctl decode` all match on it. No decode path throws anything but a ProtocolError.
 */
export type ProtocolErrorCode =
  | "malformed" // not the CBOR / COSE / payload shape this version defines
  | "oversize" // larger than MAX_FRAME_BYTES
  | "too-complex" // CBOR nested deeper or holding more items than the frame's shape allows
  | "unsupported-version" // payload version we do not speak
  | "unsupported-algorithm" // protected header alg other than EdDSA
  | "unknown-key" // kid not registered, or registered to another panel than the topic's
  | "wrong-panel" // payload panel id differs from the key's owner or the topic
  | "bad-signature" // signature does not verify
  | "stale" // transmission time outside the receiver's window
  | "replay" // sequence number or command id already seen
  | "expired" // command past its expiry
  | "bad-key"; // a PEM file that is not the expected Ed25519 key

export class ProtocolError extends CodedError<ProtocolErrorCode> {
  override readonly name = "ProtocolError";
  constructor(
    code: ProtocolErrorCode,
    message: string,
    /** Extra facts for the receiver, e.g. the centre time for a `stale` NAK. */
    readonly detail?: Readonly<Record<string, unknown>>,
  ) {
    super(code, message);
  }
}

export function isProtocolError(e: unknown): e is ProtocolError {
  return e instanceof ProtocolError;
}
