import { describe, expect, it } from "vitest";
import { admCidData, crc16arc, decryptDc09Block, encodeDc09 } from "../../protocol/dc09.js";

describe("SIA DC-09 reference framing", () => {
  it("CRC-16/ARC check value of '123456789' is BB3D", () => {
    expect(crc16arc(Buffer.from("123456789")).toString(16).toUpperCase()).toBe("BB3D");
  });
  const msg = { id: "ADM-CID" as const, seq: 12, receiver: "1", line: "1", account: "1234", data: admCidData("1234", 1, 130, 1, 12), at: new Date(Date.UTC(2026, 10, 26, 4, 5, 6)) };
  it("frames a clear ADM-CID message with CRC and length over the quoted text", () => {
    const s = encodeDc09(msg).toString();
    expect(s).toMatch(/^\n[0-9A-F]{4}0[0-9A-F]{3}"ADM-CID"0012R1L1#1234\[#1234\|1130 01 012\]_04:05:06,11-26-2026\r$/);
    const text = s.slice(9, -1);
    expect(parseInt(s.slice(5, 9), 16)).toBe(text.length);
    expect(parseInt(s.slice(1, 5), 16)).toBe(crc16arc(Buffer.from(text)));
  });
  it("encrypts with AES-CBC, zero IV, padding before '|', and decrypts back", () => {
    const key = Buffer.alloc(16, 7);
    const s = encodeDc09(msg, key).toString();
    expect(s).toContain('"*ADM-CID"0012R1L1#1234[');
    const hex = s.slice(s.indexOf("[") + 1, -1);
    expect(hex.length % 32).toBe(0);
    expect(decryptDc09Block(hex, key)).toBe("|#1234|1130 01 012]_04:05:06,11-26-2026");
  });
});
