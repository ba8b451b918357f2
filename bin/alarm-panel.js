#!/usr/bin/env -S node --max-semi-space-size=1 --lite-mode --no-expose-wasm
// The panel command: the built JavaScript in dist/ when `npm run build` has made it, else the TypeScript
// source through tsx (bin/launch.js). The simulated board (io: sim) is handed in from here: gateway/ does
// not import the simulator, and it is loaded only for io: sim.
// Node flags (here and in deploy/alarm-panel.service, which the footprint bench runs with): a 1 MB
// young generation and no optimising compiler keep a panel that idles near 80 MB of RSS; see the root
// README's Performance section.
import { load } from "./launch.js";

const { main } = await load("gateway/device/panel-command.ts");
const simBoard = async (config) => (await load("simulator/board/sim-board.ts")).simBoardFor(config);
process.exitCode = await main(process.argv.slice(2), undefined, { simBoard });
