/** The store location as typed: a URL or a file, a typo'd scheme refused, a password never shown. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { openCentreStore } from "../../simulator/centre/store-pg/open-store.js";
import { redactedLocation, storeLocationFlag } from "../../simulator/centre/store-pg/store-location.js";

describe("--store LOCATION", () => {
  it("a postgres:// or postgresql:// URL is kept as given; a path is made absolute", () => {
    expect(storeLocationFlag("postgres://alarm@db:5432/centre")).toBe("postgres://alarm@db:5432/centre");
    expect(storeLocationFlag("postgresql://alarm@db/centre")).toBe("postgresql://alarm@db/centre");
    expect(storeLocationFlag("centre.db")).toBe(resolve("centre.db"));
  });

  it("a typo'd scheme is bad-location (not a SQLite file of that name), and its password is not in the message", () => {
    for (const typo of ["postgress://alarm:s3cretPW@db:5432/centre", "postgre://alarm:s3cretPW@db/centre", "pg://alarm:s3cretPW@db/centre"]) {
      let err: unknown;
      try {
        storeLocationFlag(typo);
      } catch (e) {
        err = e;
      }
      expect(err).toMatchObject({ code: "bad-location" });
      expect((err as Error).message).not.toContain("s3cretPW");
      expect((err as Error).message).toContain("alarm:***@");
    }
  });

  it("openCentreStore's bad-location for another scheme (e.g. from store.json) shows no password", async () => {
    const err = await openCentreStore("postgress://alarm:s3cretPW@db/centre").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "bad-location" });
    expect((err as Error).message).not.toContain("s3cretPW");
  });

  it("redaction: any scheme's password, even in a URL that does not parse; no password, nothing changed", () => {
    expect(redactedLocation("postgres://alarm:s3cret@db:5432/centre")).toBe("postgres://alarm:***@db:5432/centre");
    expect(redactedLocation("postgress://alarm:s3cret@db/centre")).toBe("postgress://alarm:***@db/centre");
    expect(redactedLocation("postgres://alarm:s3c@ret@[bad/centre")).not.toContain("s3c");
    expect(redactedLocation("postgres://alarm@db/centre")).toBe("postgres://alarm@db/centre");
    expect(redactedLocation("/var/lib/alarm-centre/centre.db")).toBe("/var/lib/alarm-centre/centre.db");
  });
});
