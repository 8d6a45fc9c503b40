import { runChannelConformance } from '../../src/testing';
import { openApnsHarness } from './support/apns-harness';

runChannelConformance({ name: 'apnsPush', open: openApnsHarness });
