#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.trim_threshold=131072:glibc.malloc.mmap_threshold=131072 node --max-semi-space-size=1 --lite-mode --no-expose-wasm
// The panel command: the built JavaScript in dist/ when `npm run build` has made it, else the TypeScript
// source through tsx (bin/launch.js). The simulated board (io: sim) is handed in from here: gateway/ does
// not import the simulator, and it is loaded only for io: sim.
// Footprint settings (here and in deploy/alarm-panel.service, which the footprint bench runs with): glibc
// malloc thresholds that return freed memory, a 1 MB young generation and no optimising compiler keep an
// idle panel near 70 MB of RSS; see the root README's Performance section.
import { load } from "./launch.js";

const { main } = await load("gateway/device/panel-command.ts");
const simBoard = async (config) => (await load("simulator/board/sim-board.ts")).simBoardFor(config);
// io: sim reads the test rig's commands on stdin (simulator/board/sim-console.ts).
const simConsole = async (board, config, input, stdin, answer) =>
  (await load("simulator/board/sim-console.ts")).attachSimConsole(stdin, { board, config, input }, answer);
process.exitCode = await main(process.argv.slice(2), undefined, { simBoard, simConsole });
