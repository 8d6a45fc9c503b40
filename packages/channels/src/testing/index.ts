export { type ChannelCheck, channelChecks } from './channel-checks';
export type { ChannelHarness } from './channel-harness';
export { type ChannelConformanceOptions, runChannelConformance } from './run-channel-conformance';
