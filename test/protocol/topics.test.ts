/** parseTopic takes a panel id exactly when the PanelId schema does (it tests the schema's pattern directly). */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PanelId, parseTopic, topics } from "../../protocol/index.js";

describe("parseTopic", () => {
  it("accepts a panel level exactly when PanelId does (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[A-Za-z0-9_-]{30,34}$/)), (panel) => {
        const t = parseTopic(`alarm/v1/${panel}/up`);
        expect(t !== undefined).toBe(!panel.includes("/") && PanelId.safeParse(panel).success);
        if (t) expect(t).toEqual({ panel, kind: "up" });
      }),
      { numRuns: 2_000 },
    );
  });

  it("reads exactly what splitting at '/' reads: four levels, root alarm/v1, a panel id, a kind (property)", () => {
    const bySplit = (topic: string) => {
      const parts = topic.split("/");
      if (parts.length !== 4 || `${parts[0]}/${parts[1]}` !== "alarm/v1") return undefined;
      const [, , panel, kind] = parts;
      if (!PanelId.safeParse(panel).success || (kind !== "up" && kind !== "down" && kind !== "status")) return undefined;
      return { panel, kind };
    };
    const level = fc.oneof(fc.constantFrom("alarm", "v1", "v2", "up", "down", "status", "P1", "", "+", "#", "up/"), fc.string({ maxLength: 6 }));
    fc.assert(
      fc.property(fc.array(level, { minLength: 0, maxLength: 6 }), fc.boolean(), (levels, rooted) => {
        const topic = (rooted ? ["alarm", "v1", ...levels] : levels).join("/");
        expect(parseTopic(topic)).toEqual(bySplit(topic));
      }),
      { numRuns: 3_000 },
    );
  });

  it("on both sides of the 32-character bound, and for each kind", () => {
    expect(parseTopic(topics.up("a".repeat(32)))).toEqual({ panel: "a".repeat(32), kind: "up" });
    expect(parseTopic(`alarm/v1/${"a".repeat(33)}/up`)).toBeUndefined();
    expect(parseTopic("alarm/v1//up")).toBeUndefined();
    expect(parseTopic("alarm/v1/P1/down")).toEqual({ panel: "P1", kind: "down" });
    expect(parseTopic("alarm/v1/P1/status")).toEqual({ panel: "P1", kind: "status" });
    expect(parseTopic("alarm/v1/P1/other")).toBeUndefined();
    expect(parseTopic("alarm/v2/P1/up")).toBeUndefined();
  });
});
