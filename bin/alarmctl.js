#!/usr/bin/env node
import { runMain } from "./launch.js";

await runMain("protocol/cli/alarmctl.ts");
