// Loads a command's module: the compiled JavaScript in dist/ when `npm run build` has made it (plain
// node, no TypeScript loader: what a Raspberry Pi or a server runs), else the TypeScript source through
// tsx, so a fresh clone works right after `npm install`. OPEN_ALARM_FROM_SOURCE=1 forces the source.
// A dist/ older than the checkout (built from another commit, or its entry older than its source) still
// runs, with one line on stderr saying so: after a `git pull`, run `npm run build` again.
import { existsSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);

/** The checkout's commit, read from .git without spawning git (undefined where there is no .git). */
function headCommit() {
  try {
    const head = readFileSync(new URL(".git/HEAD", root), "utf8").trim();
    if (!head.startsWith("ref: ")) return head;
    return readFileSync(new URL(`.git/${head.slice(5)}`, root), "utf8").trim();
  } catch {
    return undefined;
  }
}

let warned = false;

function warnIfStale(built, source) {
  if (warned) return;
  let older = false;
  try {
    older = statSync(fileURLToPath(built)).mtimeMs < statSync(fileURLToPath(new URL(source, root))).mtimeMs;
  } catch {
    // No source next to it (an installed dist/): nothing to compare.
  }
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(new URL("dist/BUILD.json", root), "utf8"));
  } catch {
    // No stamp: a build by plain tsc (the footprint bench's), or an older one; the times still tell.
  }
  const head = headCommit();
  if ((head && stamp?.commit && head !== stamp.commit) || older) {
    warned = true;
    process.stderr.write(`note: dist/ was built from ${stamp?.commit ? stamp.commit.slice(0, 10) : "another checkout"}${older ? ` and ${source} changed since` : ""}; run \`npm run build\` (or OPEN_ALARM_FROM_SOURCE=1)\n`);
  }
}

let registered;

export async function load(source) {
  const built = new URL(`../dist/${source.replace(/\.ts$/, ".js")}`, import.meta.url);
  if (process.env.OPEN_ALARM_FROM_SOURCE !== "1" && existsSync(fileURLToPath(built))) {
    warnIfStale(built, source);
    return import(built.href);
  }
  registered ??= import("tsx/esm/api").then(({ register }) => void register());
  await registered;
  return import(new URL(`../${source}`, import.meta.url).href);
}

/** Runs a command's `main(argv)` and exits with its status (a service's open handles must not keep it alive). */
export async function runMain(source) {
  const { main } = await load(source);
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  return code;
}
