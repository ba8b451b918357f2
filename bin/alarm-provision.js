#!/usr/bin/env node
import { runMain } from "./launch.js";

await runMain("simulator/centre/cli/alarm-provision.ts");
