// After `tsc -p tsconfig.build.json`: dist/package.json (so dist/ resolves as an ES module package),
// dist/BUILD.json, the commit it was built from, which bin/launch.js compares with the checkout's, and
// the static assets of the browser pages. `node bin/build-stamp.js DIR` does the same for a build into
// DIR (the footprint bench builds beside dist/ and moves it in place).
import { copyFileSync, cpSync, readFileSync, writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
let commit;
try {
  const head = readFileSync(new URL(".git/HEAD", root), "utf8").trim();
  commit = head.startsWith("ref: ") ? readFileSync(new URL(`.git/${head.slice(5)}`, root), "utf8").trim() : head;
} catch {
  commit = undefined;
}
const out = new URL(`${process.argv[2] ?? "dist"}/`, root);
copyFileSync(new URL("package.json", root), new URL("package.json", out));
// The browser pages' static files (no build step) next to the compiled modules that serve them from
// their own directory: alarm-centre's console, the demo's panel page.
for (const dir of ["simulator/console/assets", "simulator/demo/panel-page/assets"]) cpSync(new URL(dir, root), new URL(dir, out), { recursive: true });
writeFileSync(new URL("BUILD.json", out), `${JSON.stringify({ commit, builtAt: new Date().toISOString() })}\n`);
