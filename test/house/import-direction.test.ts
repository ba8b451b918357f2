/**
 * The house plan, read from the sources: imports run one way (protocol <- firmware <- gateway <- simulator),
 * nothing outside simulator/ imports it, the centre imports none of the other simulator rooms, and the rooms
 * inside the centre import each other only downward (store <- pki <- broker <- receiver; store <- operator).
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|js|mjs)$/.test(e.name))
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));
}

/** Every relative import of a file, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), "utf8");
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]!);
  return specs.map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

const edges = (dirs: string[]) => dirs.flatMap(sources).flatMap((from) => importsOf(from).map((to) => ({ from, to })));
const under = (path: string, dir: string) => path.startsWith(`${dir}/`);

/** Rank of a file inside simulator/centre/: a file may import only lower ranks (or its own room). */
function centreRank(path: string): { room: string; rank: number } {
  const rest = path.slice("simulator/centre/".length);
  if (!rest.includes("/")) return rest.startsWith("start-centre.") ? { room: "top", rank: 9 } : { room: "base", rank: 0 };
  const room = rest.split("/")[0]!;
  const ranks: Record<string, number> = { store: 1, "store-pg": 1.5, pki: 2, broker: 3, receiver: 4, operator: 4, services: 5, console: 6, cli: 9 };
  return { room, rank: ranks[room] ?? -1 };
}

describe("import direction", () => {
  it("protocol imports no other layer; firmware not gateway or simulator; gateway not simulator", () => {
    const bad = edges(["protocol", "firmware", "gateway"]).filter(
      ({ from, to }) =>
        under(to, "simulator") ||
        (under(from, "protocol") && (under(to, "firmware") || under(to, "gateway"))) ||
        (under(from, "firmware") && under(to, "gateway")),
    );
    expect(bad).toEqual([]);
  });

  it("the centre imports none of board/, scenario/, demo/", () => {
    const bad = edges(["simulator/centre"]).filter(({ to }) => ["board", "scenario", "demo"].some((room) => under(to, `simulator/${room}`)));
    expect(bad).toEqual([]);
  });

  it("rooms inside the centre import each other only downward", () => {
    const bad = edges(["simulator/centre"]).filter(({ from, to }) => {
      if (!under(to, "simulator/centre")) return false;
      const a = centreRank(from);
      const b = centreRank(to);
      return a.room !== b.room && (a.rank < 0 || b.rank < 0 || b.rank >= a.rank);
    });
    expect(bad).toEqual([]);
  });

  it("board/ imports no other simulator room, scenario/ only board/", () => {
    const bad = edges(["simulator/board", "simulator/scenario"]).filter(({ from, to }) => {
      if (!under(to, "simulator")) return false;
      const own = from.split("/")[1]!;
      const room = to.split("/")[1]!;
      return room !== own && !(own === "scenario" && room === "board");
    });
    expect(bad).toEqual([]);
  });

  it("sees the imports it checks (the reader is not blind)", () => {
    expect(importsOf("simulator/centre/start-centre.ts")).toContain("simulator/centre/receiver/receiver.js");
    expect(centreRank("simulator/centre/store/db.ts")).toEqual({ room: "store", rank: 1 });
  });
});
