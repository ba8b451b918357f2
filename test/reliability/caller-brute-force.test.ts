/**
 * Brute force of the centre's caller password over the phone, in virtual time: an attacker who knows an
 * installation has a four-digit caller password (the shortest the services accept is four characters;
 * digits are what a customer picks) tries every one from 0000 up, waiting out each lock. The lockout
 * (caller-cancel.ts: 3 wrong, then 15 min locked) must make the whole space cost at least a day, as
 * EN 50131-1 8.3.5.4 asks of a keypad's wrong-code lockout (the phone is stricter).
 */
import { afterEach, describe, expect, it } from "vitest";
import { CallerCancel } from "../../simulator/centre/services/caller-cancel.js";
import { ServicesError } from "../../simulator/centre/services/services-error.js";
import { deskFixture } from "../services/desk.js";

let close = () => {};
afterEach(() => close());

const DAY = 86_400_000;
const LOCK = 15 * 60_000;
/** The lockout is under test, not scrypt's cost: the cheapest valid parameters keep 10,000 tries fast. */
const CHEAP = { N: 2, r: 1, p: 1 };

async function setup(password: string) {
  const f = await deskFixture({ scrypt: CHEAP });
  close = f.close;
  await f.reg.setCallerPassword("admin", f.id, password);
  const cancel = new CallerCancel(f.ctx, f.reg, f.desk, f.guard); // the shipped defaults
  const inc = (await f.desk.open({ installationId: f.id, panel: "P1", cls: "burglary", key: "130:z3", title: "burglary zone 3", at: f.clock.now() })).incident;
  return { ...f, cancel, inc };
}

/** Try every four-digit password in order, waiting out each lock; returns tries and virtual time used. */
async function bruteForce(f: Awaited<ReturnType<typeof setup>>): Promise<{ tries: number; found: string | null; elapsedMs: number; locks: number }> {
  const t0 = f.clock.now();
  let locks = 0;
  for (let n = 0; n < 10_000; n++) {
    const until = await f.cancel.lockedUntil(f.inc.installationId);
    if (until !== null) {
      locks++;
      await f.advance(until - f.clock.now()); // a patient attacker calls again the moment the lock ends
    }
    const guess = String(n).padStart(4, "0");
    try {
      await f.cancel.cancel("attacker", f.inc.id, guess);
      return { tries: n + 1, found: guess, elapsedMs: f.clock.now() - t0, locks };
    } catch (e) {
      // Wrong, or wrong and now locked: both were heard and counted.
      if (!(e instanceof ServicesError) || (e.code !== "wrong-password" && e.code !== "locked-out")) throw e;
    }
  }
  return { tries: 10_000, found: null, elapsedMs: f.clock.now() - t0, locks };
}

describe("caller password brute force (phone cancellation lockout)", () => {
  it("trying all 10,000 four-digit passwords takes at least a day of virtual time", async () => {
    const f = await setup("9999"); // the last one tried: the whole space
    const r = await bruteForce(f);
    expect(r.found).toBe("9999");
    expect(r.tries).toBe(10_000);
    const days = r.elapsedMs / DAY;
    console.log(`[brute force] caller password: ${r.tries} tries, ${r.locks} locks of 15 min, ${days.toFixed(1)} days of virtual time for the four-digit space`);
    // 3 guesses per 15 min: 3,333 full locks before the 10,000th guess.
    expect(r.locks).toBe(3333);
    expect(r.elapsedMs).toBe(3333 * LOCK);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(DAY);
  }, 120_000);

  it("the lock holds to its last millisecond and the count starts again after it", async () => {
    const f = await setup("4711");
    for (const g of ["0000", "0001"]) await expect(f.cancel.cancel("a", f.inc.id, g)).rejects.toMatchObject({ code: "wrong-password" });
    await expect(f.cancel.cancel("a", f.inc.id, "0002")).rejects.toMatchObject({ code: "locked-out" });
    await f.advance(LOCK - 1);
    await expect(f.cancel.cancel("a", f.inc.id, "4711")).rejects.toMatchObject({ code: "locked-out" }); // right, but not heard
    await f.advance(1);
    await expect(f.cancel.cancel("a", f.inc.id, "0003")).rejects.toMatchObject({ code: "wrong-password" });
    expect((await f.cancel.cancel("a", f.inc.id, "4711")).outcome).toBe("false-alarm");
  });
});
