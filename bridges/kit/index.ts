// What a network bridge imports from the kit.
export { defineBridge, type BridgeDefinition, type KitBridgeModule, type KitRunningBridge } from './define-bridge.ts';
export { ConfigError, ConfigReader } from './config-reader.ts';
export type { BridgeConfig, PermissionLevel } from './config.ts';
export type * from './connector.ts';
export type { BridgeModule, NewBridgeFiles, NewBridgeOptions, RunningBridge, StartOptions } from './plugin.ts';
export { escapeLocalpart, relayText } from './templates.ts';
