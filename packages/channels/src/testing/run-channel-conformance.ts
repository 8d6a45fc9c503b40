import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ChannelCheck, channelChecks } from './channel-checks';
import type { ChannelHarness } from './channel-harness';

/** Options for {@link runChannelConformance}. */
export interface ChannelConformanceOptions {
  /** The adapter's name, shown in test names. */
  name: string;
  /** Starts the local provider and the adapter wired to it. Called once for the suite. */
  open: () => ChannelHarness | Promise<ChannelHarness>;
  /** The checks to run; defaults to all of them. */
  checks?: readonly ChannelCheck[];
}

const applies = (check: ChannelCheck, harness: ChannelHarness) => {
  switch (check.requires) {
    case undefined:
      return true;
    case 'unreachable':
      return harness.unreachable !== undefined;
    case 'webhook':
      return harness.webhook !== undefined && harness.adapter.parseWebhook !== undefined;
    case 'idempotent':
      return harness.adapter.idempotent === true;
    case 'verify':
      return harness.adapter.verify !== undefined;
  }
};

/**
 * Registers the channel conformance suite with vitest. Every channel adapter, cx's own and third
 * parties', runs it against a local stand-in of its provider to prove it keeps the
 * `ChannelAdapter` contract: validation before any request, errors sorted into retryable,
 * refused and unreachable, idempotency keys honoured, webhooks verified before they are believed.
 * Checks for optional capabilities run only where the adapter has them.
 *
 * @example
 * ```ts
 * import { runChannelConformance } from '@cx/channels/testing';
 * runChannelConformance({ name: 'my-sms', open: () => startMySmsHarness() });
 * ```
 */
export function runChannelConformance(options: ChannelConformanceOptions): void {
  let harness: ChannelHarness | undefined;
  let serial = 0;
  const id = (label: string) => `conf-${label}-${++serial}-${Date.now().toString(36)}`;

  describe(`channel conformance: ${options.name}`, () => {
    beforeAll(async () => {
      harness = await options.open();
    });
    afterAll(async () => {
      await harness?.close();
    });
    for (const check of options.checks ?? channelChecks) {
      it(check.name, async (test) => {
        if (!harness) throw new Error('the harness did not open');
        if (!applies(check, harness)) {
          test.skip();
          return;
        }
        await check.run(harness, id);
      });
    }
  });
}
