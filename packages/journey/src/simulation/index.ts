/**
 * Simulation and replay: a journey run over a historical event log with a simulated clock, on
 * the production runtime and channels, reporting per-node counts, sends, cap hits and goal
 * conversions before launch.
 *
 * @packageDocumentation
 */
export { journeyHorizonMs } from './journey-horizon';
export { type RecordedSend, type RecordingChannel, recordingChannel } from './recording-channel';
export { simulateJourney } from './simulate-journey';
export type {
  ChannelCounts,
  RuleHits,
  SimulationChannelsOptions,
  SimulationOptions,
  SimulationReport,
  SimulationSource,
} from './simulation-types';
