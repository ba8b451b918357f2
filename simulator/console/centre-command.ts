/**
 * The `alarm-centre` command as installed (bin/alarm-centre.js): the centre's own command with the
 * operators' console on its --http server. The centre does not import the console (it sits above it, as
 * the demo does), so the two are composed here; everything else is alarm-centre's (its --help, flags and
 * exit codes).
 */
import { processIo, type Io } from "../../protocol/cli/command-line.js";
import { main as centreMain, type CentreCommandHooks } from "../centre/cli/alarm-centre.js";
import { consoleRoutes } from "./console-routes.js";

export function main(argv: readonly string[], io: Io = processIo, hooks: CentreCommandHooks = {}): Promise<number> {
  // No zone names: a centre has no programming sheets; the console shows zone numbers.
  return centreMain(argv, io, { ...hooks, routes: (centre) => [consoleRoutes({ centre })] });
}
