import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    // Many files wait on child processes, sockets, fsyncs and a PostgreSQL server rather than compute, so one
    // worker more than the cores keeps them busy (vitest's default here was one worker on 2 cores: ~266 s
    // of suite against ~133 s with three).
    maxWorkers: Math.max(2, availableParallelism() + 1),
    projects: [
      {
        extends: true,
        test: { name: "all", include: ["test/**/*.test.ts"], exclude: ["test/bench/**", "node_modules/**"] },
      },
      {
        // The services' contract suite on the other store: every test/services file that runs on the
        // services' database port, again on PostgreSQL (test/support/services-store.ts), one throwaway
        // cluster for the whole project. The files left out drive a SQLite centre end to end (the
        // receiver adapter, a real panel) or touch no database; the caller brute force (10,000 tries
        // against the lockout rule, ~40 s on PostgreSQL) tests the rule, whose counters the false-alarm
        // file already checks on PostgreSQL.
        extends: true,
        test: {
          name: "services-pg",
          include: ["test/services/**/*.test.ts"],
          exclude: ["test/services/e2e-services.test.ts", "test/services/receiver-adapter.test.ts", "test/services/zoned-time.test.ts"],
          env: { SERVICES_STORE: "postgres" },
          globalSetup: ["test/support/pg-global-setup.ts"],
        },
      },
    ],
  },
});
