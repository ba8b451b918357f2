#!/usr/bin/env node
// Runs the TypeScript source through tsx, so `npx alarm-sim` works right after `npm install`.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../simulator/scenario/alarm-sim.ts");
process.exitCode = await main(process.argv.slice(2));
