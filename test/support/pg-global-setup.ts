/** One throwaway PostgreSQL cluster for a whole vitest project (services-pg): each test takes a fresh schema on it. */
import type { TestProject } from "vitest/node";
import { startPostgres } from "./postgres.js";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const pg = await startPostgres();
  project.provide("servicesPgUrl", pg.url);
  return () => pg.destroy();
}
