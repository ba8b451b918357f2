import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Many files wait on child processes, sockets, fsyncs and a PostgreSQL server rather than compute, so one
    // worker more than the cores keeps them busy (vitest's default here was one worker on 2 cores: ~266 s
    // of suite against ~133 s with three).
    maxWorkers: Math.max(2, availableParallelism() + 1),
  },
});
