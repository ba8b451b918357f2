#!/usr/bin/env node
import { runMain } from "./launch.js";

// A service: once stopped (SIGTERM/SIGINT), exit even if a socket is still closing.
process.exit(await runMain("simulator/console/centre-command.ts"));
