import { describe, expect, it } from "vitest";
import { hashCode, matchUser, parseHash, verifyCode } from "../../firmware/codes/code-hash.js";
import { FirmwareError } from "../../firmware/firmware-error.js";
import { KeypadEntry, type Key } from "../../firmware/keypad-entry.js";
import { CHEAP } from "./harness.js";

function press(k: KeypadEntry, s: string) {
  let last;
  for (const tok of s.split(" ")) for (const key of /^[0-9*]+$/.test(tok) ? [...tok] : [tok]) last = k.press(key as Key);
  return last;
}

describe("keypad entry grammar", () => {
  it("CODE away / AREA*CODE off / ZONE*CODE bypass / panic", () => {
    const k = new KeypadEntry();
    expect(press(k, "1234 away")).toEqual({ kind: "code", code: "1234", action: { kind: "arm", mode: "away" } });
    expect(press(k, "2*123456 off")).toEqual({ kind: "code", code: "123456", action: { kind: "disarm" }, area: 2 });
    expect(press(k, "12*1234 bypass")).toEqual({ kind: "code", code: "1234", action: { kind: "bypass", zone: 12 } });
    expect(press(k, "panic")).toEqual({ kind: "alarm", alarm: "panic" });
  });

  it("too short or too long a code is malformed; clear empties the buffer", () => {
    const k = new KeypadEntry();
    expect(press(k, "123 away")).toEqual({ kind: "malformed" });
    expect(press(k, "123456789 away")).toEqual({ kind: "malformed" });
    press(k, "99 clear");
    expect(press(k, "1234 night")).toEqual({ kind: "code", code: "1234", action: { kind: "arm", mode: "night" } });
  });
});

describe("codes are stored as salted scrypt hashes", () => {
  it("matches the RFC 7914 §12 test vector (password/NaCl, N=1024 r=8 p=16), first 32 bytes", () => {
    const h = hashCode("password", { N: 1024, r: 8, p: 16 }, Buffer.from("NaCl"));
    expect(parseHash(h).key.toString("hex")).toBe("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162");
  });

  it("the default cost is N=16384, r=8, p=1 and two hashes of one code differ (salt)", () => {
    const a = hashCode("1234");
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hashCode("1234", CHEAP)).not.toBe(hashCode("1234", CHEAP));
    expect(verifyCode("1234", a)).toBe(true);
    expect(verifyCode("1235", a)).toBe(false);
  });

  it("matchUser finds the right user or null", () => {
    const users = [{ user: 1, hash: hashCode("1111", CHEAP) }, { user: 2, hash: hashCode("2222", CHEAP) }];
    expect(matchUser("2222", users)).toBe(2);
    expect(matchUser("3333", users)).toBeNull();
  });

  it("a malformed hash is a typed error", () => {
    expect(() => parseHash("md5$abc")).toThrow(FirmwareError);
    expect(() => parseHash("scrypt$1000$8$1$AAAA$AAAA")).toThrow(/hash-malformed/);
  });
});
