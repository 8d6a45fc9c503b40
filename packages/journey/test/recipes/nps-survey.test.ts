import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ZNS_MAGIC_PHONES } from '../../../channels/test/zalo/local-zns-server';
import { npsSurvey } from './nps-survey.recipe';
import { DAY, enteredAndExited, type RecipeWorld, recipeWorld, sends, track, WS } from './recipe-world';

/*
 * Recipe 4 end to end. Three orders; three days later the survey goes by Zalo ZNS to Minh and Hoa
 * and, Lan having no Zalo account, by SMS to her. Answers are `Survey Responded` events as
 * @cx/metrics reads them (`survey`, `question`, `score`, plus the `orderId` they answer for).
 */
describe('recipe: the NPS survey after a purchase', () => {
  let world: RecipeWorld;
  beforeEach(async () => {
    world = await recipeWorld('2026-03-02T03:00:00.000Z'); // Monday, 10:00 in Ho Chi Minh City
    await world.journeys.publish(npsSurvey);
    await world.person('lan', {
      firstName: 'Lan',
      email: 'lan@example.com',
      phone: ZNS_MAGIC_PHONES.noAccount,
    });
    await world.person('minh', { firstName: 'Minh', email: 'minh@example.com', phone: '+84912345678' });
    await world.person('hoa', { firstName: 'Hoa', email: 'hoa@example.com', phone: '+84987654321' });
  });
  afterEach(() => world.close());

  const answer = (profileId: string, orderId: string, score: number) =>
    track(profileId, world.clock.now(), 'Survey Responded', {
      survey: 'post-purchase',
      question: 'nps',
      score,
      orderId,
      channel: 'zns',
    });

  it('surveys three days after the order, then asks promoters for a review and flags detractors', async () => {
    const now = world.clock.now();
    await world.append(
      track('lan', now, 'Order Completed', { orderId: 'o-1', revenue: 450_000 }),
      track('minh', now, 'Order Completed', { orderId: 'o-2', revenue: 120_000 }),
      track('hoa', now, 'Order Completed', { orderId: 'o-3', revenue: 90_000 }),
    );
    await world.settle();
    await world.advance(3 * DAY - 1);
    expect(world.zns.requests).toEqual([]);
    expect(world.sms.requests).toEqual([]);

    await world.advance(1);
    const znsCalls = world.zns.requests
      .map((request) => [request.json?.phone, request.json?.template_data, request.answered.error])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(znsCalls).toEqual([
      ['84900000118', { customer_name: 'Lan', order_code: 'o-1' }, -118],
      ['84912345678', { customer_name: 'Minh', order_code: 'o-2' }, 0],
      ['84987654321', { customer_name: 'Hoa', order_code: 'o-3' }, 0],
    ]);
    expect(world.zns.delivered()).toHaveLength(2);
    expect(world.sms.requests.map((request) => [request.json?.to, request.json?.text])).toEqual([
      [ZNS_MAGIC_PHONES.noAccount, 'Shop: ban cham don o-1 bao nhieu diem? https://shop.example/nps/o-1'],
    ]);
    for (const id of ['lan', 'minh', 'hoa'])
      expect((await world.journeys.instancesOf(id))[0]).toMatchObject({
        status: 'waiting',
        node: 'wait-answer',
      });

    await world.advance(DAY);
    await world.append(answer('lan', 'o-1', 10), answer('minh', 'o-2', 4));
    await world.settle();
    expect(
      world.smtp.messages.map((mail) => [mail.to && 'text' in mail.to ? mail.to.text : '', mail.subject]),
    ).toEqual([['lan@example.com', 'Cảm ơn Lan! Viết đánh giá cho đơn o-1?']]);
    expect((await world.storage.profiles.get(WS, 'minh'))?.traits).toMatchObject({ needsFollowUp: true });
    expect((await world.storage.profiles.get(WS, 'lan'))?.traits.needsFollowUp).toBeUndefined();

    // Hoa never answers: her wait times out a week after the survey.
    await world.advance(7 * DAY);

    const paths: Record<string, unknown> = {};
    for (const id of ['lan', 'minh', 'hoa'])
      for (const instance of await world.journeys.instancesOf(id))
        paths[`${id} ${instance.journeyId}`] = [
          instance.status,
          instance.outcome?.id,
          instance.path.map((step) => step.node),
        ];
    expect(paths).toEqual({
      'lan nps-survey': [
        'exited',
        'answered',
        ['wait-3d', 'survey', 'wait-answer', 'by-score', 'review-request', 'answered'],
      ],
      'minh nps-survey': [
        'exited',
        'answered',
        ['wait-3d', 'survey', 'wait-answer', 'by-score', 'flag', 'answered'],
      ],
      'hoa nps-survey': ['exited', 'no-answer', ['wait-3d', 'survey', 'wait-answer', 'no-answer']],
    });
    expect(await sends(world.storage, 'lan')).toEqual([
      ['survey', 'sms', '2026-03-05T03:00:00.000Z'],
      ['review-request', 'email', '2026-03-06T03:00:00.000Z'],
    ]);
    expect(await sends(world.storage, 'minh')).toEqual([['survey', 'zns', '2026-03-05T03:00:00.000Z']]);
    expect(await sends(world.storage, 'hoa')).toEqual([['survey', 'zns', '2026-03-05T03:00:00.000Z']]);
    expect(await enteredAndExited(world.storage, 'lan')).toEqual([
      ['Journey Entered', 'nps-survey'],
      ['Journey Exited', 'nps-survey', 'exit-node', 'answered'],
    ]);
    expect(await enteredAndExited(world.storage, 'hoa')).toEqual([
      ['Journey Entered', 'nps-survey'],
      ['Journey Exited', 'nps-survey', 'exit-node', 'no-answer'],
    ]);
    expect(world.smtp.messages).toHaveLength(1);
    expect(world.sms.requests).toHaveLength(1);
    expect(world.zns.requests).toHaveLength(3);
    expect(world.push.received).toEqual([]);
  });
});
