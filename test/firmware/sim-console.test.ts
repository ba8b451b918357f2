/** The simulated board's console (alarm-panel with io: sim): each command does its one thing; anything else is refused in one line. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseConfig, zoneLevel, type RuntimeInput } from "../../firmware/index.js";
import { simBoardFor } from "../../simulator/board/sim-board.js";
import { SIM_CONSOLE_HELP, attachSimConsole, simCommand, type SimConsoleTarget } from "../../simulator/board/sim-console.js";
import { parse } from "yaml";

const config = parseConfig(parse(readFileSync(join(import.meta.dirname, "../../firmware/config/example-panel.yaml"), "utf8")));

function rig(): { t: SimConsoleTarget; inputs: RuntimeInput[] } {
  const inputs: RuntimeInput[] = [];
  return { t: { board: simBoardFor(config), config, input: (i) => inputs.push(i) }, inputs };
}

describe("the simulated board's console", () => {
  it("opens and closes a wired zone at its pin, by the zone's wiring (NC and NO)", () => {
    const { t, inputs } = rig();
    expect(simCommand("zone 5 open", t)).toBe("zone 5 open (pin 6)");
    expect(t.board.level(6)).toBe(zoneLevel("NC", true));
    expect(simCommand("zone 5 close", t)).toBe("zone 5 closed (pin 6)");
    expect(t.board.level(6)).toBe(zoneLevel("NC", false));
    expect(simCommand("  zone   10 open ", t)).toBe("zone 10 open (pin 11)");
    expect(t.board.level(11)).toBe(zoneLevel("NO", true));
    expect(inputs).toEqual([]); // through the GPIO, not around it
  });

  it("types keys: a code's digits one by one, then the function key", () => {
    const { t, inputs } = rig();
    expect(simCommand("key 1234 away", t)).toBe("keys 1 2 3 4 away");
    expect(inputs).toEqual(["1", "2", "3", "4", "away"].map((key) => ({ type: "key", key })));
  });

  it("mains, battery and tamper go to the panel's input", () => {
    const { t, inputs } = rig();
    expect(simCommand("ac off", t)).toBe("mains off");
    expect(simCommand("battery low", t)).toBe("battery low");
    expect(simCommand("tamper 8 on", t)).toBe("tamper 8 on");
    expect(inputs).toEqual([{ type: "ac", ok: false }, { type: "battery", low: true }, { type: "tamper", zone: 8, active: true }]);
  });

  it("refuses what it does not know in one line and changes nothing", () => {
    const { t, inputs } = rig();
    const before = t.board.level(6);
    for (const line of ["zone 99 open", "zone 5 ajar", "zone x open", "key", "key 12 launch", "ac maybe", "battery", "tamper 0 on", "reboot"]) {
      expect(simCommand(line, t)).toMatch(/^refused: /);
    }
    expect(t.board.level(6)).toBe(before);
    expect(inputs).toEqual([]);
    expect(simCommand("help", t)).toBe(SIM_CONSOLE_HELP);
    expect(simCommand("   ", t)).toBe("");
  });

  it("reads lines from a stream until it ends, answering each", async () => {
    const { t } = rig();
    const stdin = new PassThrough();
    const answers: string[] = [];
    const stop = attachSimConsole(stdin, t, (l) => answers.push(l));
    stdin.end("zone 5 open\nnonsense\n\nzone 5 close\n");
    await new Promise((r) => stdin.on("end", r));
    await new Promise((r) => setImmediate(r));
    expect(answers).toEqual(["zone 5 open (pin 6)", `refused: nonsense: ${SIM_CONSOLE_HELP}`, "zone 5 closed (pin 6)"]);
    stop();
  });
});
