import { afterEach, describe, expect, it } from 'vitest';
import type { JourneyDefinition } from '../../src/definition/journey-types';
import { type Embedded, embedded, journeyEvents, storages } from './runtime-fixtures';

/*
 * A template that cannot render (the profile has no `firstName`) is never skipped silently: the
 * instance records the failure and takes the node's failure branch, or exits `message-failed`.
 */
const greeting = {
  'in-app': {
    id: 'greeting',
    channel: 'in-app' as const,
    defaultLocale: 'en-US',
    variants: { 'en-US': { title: 'Hello {{ profile.traits.firstName }}', text: 'Welcome' } },
  },
};
const apology = {
  'in-app': {
    id: 'apology',
    channel: 'in-app' as const,
    defaultLocale: 'en-US',
    variants: { 'en-US': { title: 'Hello there', text: 'Welcome' } },
  },
};

const withFailureBranch: JourneyDefinition = {
  id: 'welcome',
  entry: { type: 'api' },
  start: 'greet',
  nodes: [
    {
      type: 'message',
      id: 'greet',
      channels: ['in-app'],
      templates: greeting,
      next: 'done',
      on: { failed: 'fallback' },
    },
    { type: 'message', id: 'fallback', channels: ['in-app'], templates: apology, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
};

const withoutFailureBranch: JourneyDefinition = {
  id: 'welcome-strict',
  entry: { type: 'api' },
  start: 'greet',
  nodes: [
    { type: 'message', id: 'greet', channels: ['in-app'], templates: greeting, next: 'after' },
    { type: 'update-trait', id: 'after', set: { greeted: true }, next: 'done' },
    { type: 'exit', id: 'done' },
  ],
};

describe.each(storages)('a message that cannot render, on %s storage', (_name, open) => {
  let setup: Embedded;
  afterEach(async () => setup.close());

  it('follows on.failed and records the failure', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(withFailureBranch);
    const result = await setup.journeys.enter('welcome', 'an');
    await setup.settle();
    expect(result.entered).toBe(true);
    const instance = result.entered ? await setup.journeys.instance(result.instance.id) : null;
    expect(instance).toMatchObject({ status: 'exited', outcome: { kind: 'exit-node', id: 'done' } });
    expect(instance?.path.map((step) => step.node)).toEqual(['greet', 'fallback', 'done']);
    expect(instance?.failures).toHaveLength(1);
    expect(instance?.failures[0]).toMatchObject({ node: 'greet', key: `${instance?.id}/greet` });
    expect(instance?.failures[0]?.reason).toMatch(/firstName/);
    expect(await setup.inboxTitles('an')).toEqual(['Hello there']);
    const failed = (await journeyEvents(setup.storage, 'an')).filter(
      (event) => event.properties.failed === true,
    );
    expect(failed).toHaveLength(1);
    expect(failed[0]?.properties).toMatchObject({ node: 'greet', failed: true });
  });

  it('exits with message-failed without a failure branch, and runs nothing after the node', async () => {
    setup = await embedded(open, { an: {} });
    await setup.journeys.publish(withoutFailureBranch);
    const result = await setup.journeys.enter('welcome-strict', 'an');
    await setup.settle();
    const instance = result.entered ? await setup.journeys.instance(result.instance.id) : null;
    expect(instance).toMatchObject({
      status: 'exited',
      node: 'greet',
      outcome: { kind: 'exit', id: 'message-failed' },
    });
    expect(instance?.path.map((step) => step.node)).toEqual(['greet']);
    expect(await setup.inboxTitles('an')).toEqual([]);
    // The trait update after the message node did not happen.
    expect((await setup.storage.profiles.get('shop', 'an'))?.traits.greeted).toBeUndefined();
    const events = await journeyEvents(setup.storage, 'an');
    expect(events.map((event) => event.name)).toEqual([
      'Journey Entered',
      'Journey Step',
      'Journey Step',
      'Journey Exited',
    ]);
    expect(events[2]?.properties).toMatchObject({ node: 'greet', failed: true });
    expect(events[3]?.properties).toMatchObject({ outcomeId: 'message-failed' });
    // The person may enter again: the instance ended.
    expect((await setup.journeys.enter('welcome-strict', 'an')).entered).toBe(true);
  });
});
