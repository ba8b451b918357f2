/**
 * EN 50131-1 (8.3, authorisation codes and keypad lockout), grade 2: a 4-digit code space of 10,000 and
 * a 90 s lockout after every 10 invalid codes make guessing a code by hand take more than a day. The
 * attacker here types instantly, never wastes a guess during a lockout, and comes back the very
 * millisecond it ends; the right code is the last of the 10,000 it tries. The pure core runs in
 * virtual time, and the code is matched against its salted hash as the keypad edge does.
 */
import { describe, expect, it } from "vitest";
import { matchUser } from "../../firmware/codes/code-hash.js";
import type { PanelEffect } from "../../firmware/core/panel-effect.js";
import { Cid } from "../../protocol/index.js";
import { ARM_AWAY, CoreDriver, T0, cheapHash, testConfig } from "./harness.js";

const SECRET = "7391";
const DAY_MS = 86_400_000;

function lockedUntil(fx: readonly PanelEffect[]): number | undefined {
  for (const e of fx) if (e.type === "keypad" && e.msg.kind === "locked") return e.msg.until;
  return undefined;
}

describe("EN 50131-1 keypad brute force, grade 2: all 10,000 four-digit codes", () => {
  it("takes at least a day of lockouts before the right code, which then works", () => {
    const cfg = testConfig({ users: [{ user: 1, name: "owner", codeHash: cheapHash(SECRET), areas: [1, 2], perms: ["disarm"] }] });
    const hashes = cfg.users.map((u) => ({ user: u.user, hash: u.codeHash }));
    const d = new CoreDriver(cfg);
    const guesses = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, "0")).filter((g) => g !== SECRET);
    guesses.push(SECRET); // the worst case: the right code is the last one tried

    let tried = 0;
    let waitUntil: number | undefined;
    let armedAfter: number | undefined;
    for (const guess of guesses) {
      if (waitUntil !== undefined) d.at(waitUntil); // wait out the lockout to the millisecond
      waitUntil = undefined;
      const fx = d.code(matchUser(guess, hashes), ARM_AWAY, 1);
      tried++;
      if (d.phase() === "exit") {
        armedAfter = d.now - T0;
        break;
      }
      waitUntil = lockedUntil(fx);
    }

    const { wrongCodeLimit, lockoutMs } = cfg.timing;
    const lockouts = Math.floor((guesses.length - 1) / wrongCodeLimit);
    console.log(
      `keypad brute force (grade 2, ${wrongCodeLimit} tries per ${lockoutMs / 1000} s lockout): ${tried} codes, ${lockouts} lockouts, ` +
        `${((armedAfter ?? Number.NaN) / 3_600_000).toFixed(2)} h of virtual time to the last code (mean over code positions: ${((lockouts * lockoutMs) / 2 / 3_600_000).toFixed(2)} h)`,
    );
    expect(tried).toBe(10_000);
    expect(armedAfter).toBe(lockouts * lockoutMs); // 999 lockouts x 90 s = 89,910 s
    expect(armedAfter!).toBeGreaterThanOrEqual(DAY_MS);
    // Every lockout is reported to the centre (Contact ID 461), so the attack is seen long before it succeeds.
    expect(d.reports().filter((e) => e.code === Cid.WrongCode)).toHaveLength(lockouts);
  });

  it("a code typed during a lockout neither counts nor opens: the right code is refused until it ends", () => {
    const cfg = testConfig({ users: [{ user: 1, name: "owner", codeHash: cheapHash(SECRET), areas: [1, 2], perms: ["disarm"] }] });
    const hashes = cfg.users.map((u) => ({ user: u.user, hash: u.codeHash }));
    const d = new CoreDriver(cfg);
    let until: number | undefined;
    for (let i = 0; i < cfg.timing.wrongCodeLimit; i++) until = lockedUntil(d.code(matchUser("0000", hashes), ARM_AWAY, 1)) ?? until;
    expect(until).toBe(T0 + cfg.timing.lockoutMs);
    d.at(until! - 1);
    expect(lockedUntil(d.code(matchUser(SECRET, hashes), ARM_AWAY, 1))).toBe(until);
    expect(d.phase()).toBe("disarmed");
    d.at(until!);
    d.code(matchUser(SECRET, hashes), ARM_AWAY, 1);
    expect(d.phase()).toBe("exit");
  });
});
