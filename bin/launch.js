// Loads a command's module: the compiled JavaScript in dist/ when `npm run build` has made it (plain
// node, no TypeScript loader: what a Raspberry Pi or a server runs), else the TypeScript source through
// tsx, so a fresh clone works right after `npm install`. OPEN_ALARM_FROM_SOURCE=1 forces the source.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

let registered;

export async function load(source) {
  const built = new URL(`../dist/${source.replace(/\.ts$/, ".js")}`, import.meta.url);
  if (process.env.OPEN_ALARM_FROM_SOURCE !== "1" && existsSync(fileURLToPath(built))) return import(built.href);
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
