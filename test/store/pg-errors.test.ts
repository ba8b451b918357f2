/** PostgreSQL failures as the centre's typed store errors, worded for the admin who must act on them. */
import { describe, expect, it } from "vitest";
import { pgStoreError } from "../../simulator/centre/store-pg/pg-errors.js";

const pgError = (message: string, code?: string) => Object.assign(new Error(message), code ? { code } : {});

describe("pgStoreError", () => {
  it("no password given where the server asks for one (SCRAM): store-failed naming where a password goes", () => {
    const e = pgStoreError(pgError("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string"));
    expect(e).toMatchObject({ code: "store-failed", message: expect.stringMatching(/asks for a password and none was given: .*PGPASSWORD or ~\/\.pgpass \(mode 0600/) });
  });

  it("a wrong password stays the server's own words (SQLSTATE 28P01); a refused connection is store-unavailable", () => {
    expect(pgStoreError(pgError('password authentication failed for user "alarm"', "28P01"))).toMatchObject({ code: "store-failed", message: expect.stringContaining("28P01 password authentication failed") });
    expect(pgStoreError(pgError("connect ECONNREFUSED 127.0.0.1:1", "ECONNREFUSED"))).toMatchObject({ code: "store-unavailable" });
  });
});
