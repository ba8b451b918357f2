#!/usr/bin/env node
import { runMain } from "./launch.js";

await runMain("simulator/centre/pki/provision.ts");
