/**
 * The centre's KeyRing over the registered, unrevoked frame keys, on either store. openUplink (and
 * judgeFrame) look keys up synchronously, so the receiver first awaits `prepare(frame)`, which reads the
 * frame's kid from the envelope and loads its key from the store; `lookup` then answers from the cache (or,
 * when the store can read synchronously, as SQLite can, from the store at once). Keys are cached for
 * `maxAgeMs` (a revocation by another process or machine, alarm-provision --revoke, reaches this receiver
 * within it): parsing a key costs more than its lookup. Unknown kids are not cached, so a panel
 * provisioned after start is found at its first frame.
 */
import { parseSign1, publicKeyFromPem, type KeyRing, type RegisteredKey } from "../../../protocol/index.js";

type KeyRow = { panel: string; publicPem: string } | undefined;

/** Where the keys are read: asynchronously (any store), and synchronously where the store can. */
export interface KeySource {
  frameKey(kid: string): Promise<KeyRow>;
  readonly frameKeyNow?: (kid: string) => KeyRow;
}

export class CachedKeyRing implements KeyRing {
  private readonly cache = new Map<string, { reg: RegisteredKey; at: number }>();
  private readonly loading = new Map<string, Promise<void>>();

  constructor(
    private readonly registry: KeySource,
    private readonly maxAgeMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  lookup(kid: string): RegisteredKey | undefined {
    const hit = this.cached(kid);
    if (hit) return hit;
    const read = this.registry.frameKeyNow;
    if (!read) return undefined;
    this.keep(kid, read(kid), this.now());
    return this.cache.get(kid)?.reg;
  }

  /** The cached key while fresh, without reading the store. */
  private cached(kid: string): RegisteredKey | undefined {
    const hit = this.cache.get(kid);
    return hit && this.now() - hit.at < this.maxAgeMs ? hit.reg : undefined;
  }

  /**
   * Have the key of this frame's kid at hand for `lookup`. A frame whose envelope does not parse is left
   * to judgeFrame, which NAKs or drops it with the protocol's reason. Rejects with the store's error
   * (store-unavailable) when the key cannot be read: the frame is then not judged and not ACKed.
   * Undefined when there is nothing to wait for (the key is cached, or the envelope does not parse), so
   * the receiver judges a frame of a known panel in the same turn it arrived in.
   */
  prepare(frame: Uint8Array): Promise<void> | undefined {
    let kid: string;
    try {
      kid = parseSign1(frame).kid;
    } catch {
      return undefined;
    }
    return this.prepareKid(kid);
  }

  /** prepare() for a kid already read from the envelope (the receiver parses each envelope once). */
  prepareKid(kid: string): Promise<void> | undefined {
    if (this.cached(kid)) return undefined;
    const read = this.registry.frameKeyNow;
    if (!read) return this.load(kid);
    try {
      this.keep(kid, read(kid), this.now());
    } catch (e) {
      return Promise.reject(e);
    }
    return undefined;
  }

  private keep(kid: string, row: KeyRow, at: number): void {
    if (row) this.cache.set(kid, { reg: { panel: row.panel, key: publicKeyFromPem(row.publicPem) }, at });
    else this.cache.delete(kid);
  }

  /** Fetch `kid` unless a fresh copy is cached; concurrent loads of one kid share one query. */
  load(kid: string): Promise<void> {
    if (this.cached(kid)) return Promise.resolve();
    let p = this.loading.get(kid);
    if (!p) {
      p = (async () => {
        const t = this.now();
        this.keep(kid, await this.registry.frameKey(kid), t);
      })().finally(() => this.loading.delete(kid));
      this.loading.set(kid, p);
    }
    return p;
  }

  /** Forget cached keys now. */
  refresh(): void {
    this.cache.clear();
  }
}
