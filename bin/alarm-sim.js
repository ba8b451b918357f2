#!/usr/bin/env node
import { runMain } from "./launch.js";

await runMain("simulator/scenario/alarm-sim.ts");
