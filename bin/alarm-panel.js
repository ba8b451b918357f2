#!/usr/bin/env node
// Runs the TypeScript source through tsx, so `npx alarm-panel` works right after `npm install`.
// The simulated board (io: sim) is handed in from here: gateway/ does not import the simulator.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../gateway/device/panel-command.ts");
const { simBoardFor } = await import("../simulator/board/sim-board.ts");
process.exitCode = await main(process.argv.slice(2), undefined, { simBoard: simBoardFor });
