/** Which store a centre directory uses: DIR/store.json, the owner's only; a URL's password never shown. */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { recordedStore, recordStore, STORE_FILE, storeFileWarning } from "../../simulator/centre/pki/centre-store-file.js";
import { redactedLocation } from "../../simulator/centre/store-pg/store-location.js";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "store-file-"));
  dirs.push(d);
  return d;
};

describe("DIR/store.json", () => {
  it("records a location for later runs, mode 0600 even over a world-readable file", () => {
    const d = tmp();
    expect(recordedStore(d)).toBeUndefined();
    writeFileSync(join(d, STORE_FILE), "{}", { mode: 0o644 });
    recordStore(d, "postgres://alarm:pw@db:5432/centre");
    expect(statSync(join(d, STORE_FILE)).mode & 0o777).toBe(0o600);
    expect(recordedStore(d)).toBe("postgres://alarm:pw@db:5432/centre");
  });

  it("a file without a location, or not JSON, is a bad-argument naming it", () => {
    const d = tmp();
    writeFileSync(join(d, STORE_FILE), "{}");
    expect(() => recordedStore(d)).toThrow(expect.objectContaining({ code: "bad-argument", message: expect.stringContaining(STORE_FILE) }));
    writeFileSync(join(d, STORE_FILE), "postgres://");
    expect(() => recordedStore(d)).toThrow(expect.objectContaining({ code: "bad-argument" }));
  });

  it("a URL's password is replaced in what is shown; paths and URLs without one are left alone", () => {
    expect(redactedLocation("postgres://alarm:s3cret@db:5432/centre")).toBe("postgres://alarm:***@db:5432/centre");
    expect(redactedLocation("postgres://alarm@db/centre")).toBe("postgres://alarm@db/centre");
    expect(redactedLocation("/var/lib/centre/centre.db")).toBe("/var/lib/centre/centre.db");
  });

  it("a broken file's error names the file and its position, never the text (which may hold the password)", () => {
    const d = tmp();
    for (const text of ['{"store": "postgres://alarm:s3cretPW@db/centre"', "store=postgres://alarm:s3cretPW@db/centre", '{"store": "postgres://alarm:s3cretPW@db/centre",}']) {
      writeFileSync(join(d, STORE_FILE), text);
      let err: unknown;
      try {
        recordedStore(d);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: "bad-argument", message: expect.stringContaining(`${STORE_FILE} is not valid JSON`) });
      expect((err as Error).message).not.toContain("s3cretPW");
    }
  });

  it("warns when the file holds a password and others may read it; not at 0600, nor without a password", () => {
    const d = tmp();
    expect(storeFileWarning(d)).toBeUndefined(); // no file: SQLite
    recordStore(d, "postgres://alarm:s3cretPW@db/centre");
    expect(storeFileWarning(d)).toBeUndefined();
    chmodSync(join(d, STORE_FILE), 0o640);
    const w = storeFileWarning(d);
    expect(w).toMatch(/readable by others \(mode 0640\): chmod 600/);
    expect(w).not.toContain("s3cretPW");
    recordStore(d, "postgres://alarm@db/centre"); // the password in ~/.pgpass: nothing to hide
    chmodSync(join(d, STORE_FILE), 0o644);
    expect(storeFileWarning(d)).toBeUndefined();
  });
});
