import { runChannelConformance } from '../../src/testing';
import { openFcmHarness } from './support/fcm-harness';

runChannelConformance({ name: 'fcmPush', open: openFcmHarness });
