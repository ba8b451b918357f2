/** protocol/: the wire contract of v1, the single source of truth for panel, gateway and centre. */
export * from "./errors.js";
export * from "./events.js";
export * from "./schema.js";
export * from "./cbor.js";
export * from "./cose.js";
export * from "./keys.js";
export * from "./uplink.js";
export * from "./downlink.js";
export * from "./freshness.js";
export * from "./frame.js";
export * from "./replay.js";
export * from "./topics.js";
export * from "./topic-filter.js";
export * from "./clock.js";
export * from "./supervision.js";
export * from "./trace.js";
