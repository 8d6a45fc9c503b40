import { runChannelConformance } from '../../src/testing';
import { openWebPushHarness } from './support/web-push-harness';

runChannelConformance({ name: 'webPush', open: openWebPushHarness });
