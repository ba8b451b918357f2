/** gateway/: the store-and-forward runtime between the panel and the centre. */
export { Gateway, type GatewayEvents, type GatewayOptions, type GatewayState } from "./gateway.js";
export { GatewayError, isGatewayError, type GatewayErrorCode } from "./errors.js";
export { CATEGORIES, category, isCategoryName, type Category, type CategoryName } from "../protocol/supervision.js";
export { FakeClock, systemClock, type Clock, type Timer } from "../protocol/clock.js";
export { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
export { Outbox, DEFAULT_LIMITS, type OutboxItem, type OutboxLimits, type OutboxRecord } from "./outbox.js";
export { openDatabase } from "./database.js";
export { GatewayMetrics, serveMetrics } from "./metrics.js";
export { mqttConnector } from "./mqtt-connector.js";
export type { BrokerOptions, Connection, ConnectionHandlers, Connector, SessionOptions } from "./transport.js";
export { startDevice, type DeviceOptions, type RunningDevice } from "./device/start-device.js";
export { loadPanelBundle, PanelBundleFile, type PanelLink } from "./device/panel-bundle.js";
