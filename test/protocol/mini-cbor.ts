/**
 * A deliberately tiny, independent CBOR reader and writer (RFC 8949 §3, definite lengths only), so the
 * interop tests check our frames without going through cbor-x or protocol/cbor.ts.
 */
export type Mini = number | string | Uint8Array | Mini[] | Map<number, Mini> | { tag: number; value: Mini };

export function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  if (n < 0x100000000) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(BigInt(n), 1);
  return b;
}

export function write(v: Mini): Buffer {
  if (typeof v === "number") return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === "string") return Buffer.concat([head(3, Buffer.byteLength(v)), Buffer.from(v)]);
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), v]);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(write)]);
  if (v instanceof Map) return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [write(k), write(x)])]);
  return Buffer.concat([head(6, v.tag), write(v.value)]);
}

export function read(buf: Uint8Array): Mini {
  let i = 0;
  const b = Buffer.from(buf);
  function arg(info: number): number {
    if (info < 24) return info;
    if (info === 24) return b[i++]!;
    if (info === 25) return (i += 2), b.readUInt16BE(i - 2);
    if (info === 26) return (i += 4), b.readUInt32BE(i - 4);
    if (info === 27) return (i += 8), Number(b.readBigUInt64BE(i - 8));
    throw new Error(`unsupported additional info ${info}`);
  }
  function item(): Mini {
    const ib = b[i++]!;
    const major = ib >> 5;
    const n = arg(ib & 31);
    switch (major) {
      case 0: return n;
      case 1: return -1 - n;
      case 2: return (i += n), new Uint8Array(b.subarray(i - n, i));
      case 3: return (i += n), b.subarray(i - n, i).toString("utf8");
      case 4: return Array.from({ length: n }, () => item());
      case 5: {
        const m = new Map<number, Mini>();
        for (let k = 0; k < n; k++) m.set(item() as number, item());
        return m;
      }
      case 6: return { tag: n, value: item() };
      default: throw new Error(`unsupported major type ${major}`);
    }
  }
  const v = item();
  if (i !== b.length) throw new Error("trailing bytes");
  return v;
}

/** RFC 9052 §4.4 Sig_structure for COSE_Sign1, written by hand. */
export function sigStructureBytes(protectedBytes: Uint8Array, payload: Uint8Array): Buffer {
  return write(["Signature1", protectedBytes, new Uint8Array(0), payload]);
}
