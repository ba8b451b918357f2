/** zod parsing that fails with a ServicesError naming the first field at fault, never a ZodError. */
import type { z } from "zod";
import { ServicesError } from "./services-error.js";

export function parseInput<S extends z.ZodType>(schema: S, input: unknown, prefix = ""): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [prefix, ...issue.path.map(String)].filter((p) => p !== "").join(".");
  throw new ServicesError("bad-input", path ? `${path}: ${issue.message}` : issue.message, path || undefined);
}
