import { createChannels, createPressurePolicy, createTemplateRenderer, type LedgerEntry } from '@cx/channels';
import { smtpEmail } from '@cx/channels/email';
import { httpSms } from '@cx/channels/sms';
import { memoryStorage } from '@cx/core';
import { Liquid } from 'liquidjs';
import nodemailer from 'nodemailer';
import { PROMO_EMAIL, PROMO_SMS, SCOPE } from '../channels/bench-templates';
import { type Sinks, startSinks } from '../channels/start-sinks';
import type { Benchmark } from '../harness';
import { perSecond, timeMs, timeSideBySide } from '../harness';

const SECRET = 'bench-link-secret-of-at-least-32-characters';
/** Connections to the SMTP server, for cx's adapter and for the peer alike. */
const SMTP_CONNECTIONS = 5;
/** Sends in flight at once, for the dispatcher and for the peer alike. */
const IN_FLIGHT = 20;
let sinks: Sinks | undefined;
let run = 0;

async function people(storage: ReturnType<typeof memoryStorage>, count: number) {
  for (let start = 0; start < count; start += 1000) {
    await storage.profiles.createMany(
      'bench',
      Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
        id: `p${start + i}`,
        traits: {
          ...SCOPE.profile.traits,
          email: `p${start + i}@example.com`,
          phone: `+849${String(10_000_000 + start + i)}`,
        },
      })),
    );
  }
}

/** Runs `count` calls of `one` with at most `width` in flight. */
async function inFlight(count: number, width: number, one: (index: number) => Promise<unknown>) {
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < count; index = next++) await one(index);
  };
  await Promise.all(Array.from({ length: width }, lane));
}

const SMTP_MESSAGES = 600;

/**
 * Messages per second through the outbox dispatcher (claim, consent, the ledger reservation, the
 * send, the record and its event, the completion) to a local SMTP server in another process; the
 * peer is nodemailer sending the same rendered messages directly over the same pool. The outbox
 * is filled by `send` (render, enqueue) before the clock starts; `channels.send.memory` times that.
 */
const dispatchSmtp: Benchmark = {
  name: 'channels.dispatch.smtp',
  unit: 'messages/s',
  higherIsBetter: true,
  peer: 'nodemailer pooled sendMail of the same messages',
  runs: 5,
  async setup() {
    sinks = await startSinks();
  },
  async measure() {
    const port = (sinks as Sinks).smtpPort;
    const storage = memoryStorage();
    await people(storage, SMTP_MESSAGES);
    const email = smtpEmail({
      smtp: { host: '127.0.0.1', port, pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: Infinity },
      from: 'Shop <shop@example.com>',
    });
    const channels = createChannels({
      storage,
      workspaceId: 'bench',
      adapters: [email],
      links: { baseUrl: 'https://cx.example.com', secret: SECRET },
      defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    });
    const rendered = await createTemplateRenderer({ locale: 'vi-VN', currency: 'VND' }).render(
      PROMO_EMAIL,
      SCOPE,
    );
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      pool: true,
      maxConnections: SMTP_CONNECTIONS,
      maxMessages: Infinity,
    });
    const tag = run++;
    // The outbox is filled first, as journey steps and campaigns fill it; the dispatch is timed.
    for (let index = 0; index < SMTP_MESSAGES; index++) {
      await channels.send({
        source: 'bench',
        step: `r${tag}`,
        profileId: `p${index}`,
        channels: ['email'],
        templates: { email: PROMO_EMAIL },
        data: SCOPE.data,
      });
    }
    const { cxMs, peerMs } = await timeSideBySide(
      tag,
      () => channels.dispatcher({ batchSize: 200, concurrency: IN_FLIGHT }).drain(),
      () =>
        inFlight(SMTP_MESSAGES, IN_FLIGHT, (index) =>
          transport.sendMail({
            from: 'Shop <shop@example.com>',
            to: `p${index}@example.com`,
            subject: rendered.content.subject,
            html: rendered.content.html,
            text: rendered.content.text,
            headers: {
              'List-Unsubscribe': '<https://cx.example.com/v1/channels/unsubscribe/t>',
              'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
            },
          }),
        ),
    );
    const stats = await channels.outbox.stats();
    if (stats.scheduled + stats.claimed + stats.dead > 0)
      throw new Error('the outbox did not deliver everything');
    transport.close();
    await email.close?.();
    return { value: perSecond(SMTP_MESSAGES, cxMs), peerValue: perSecond(SMTP_MESSAGES, peerMs) };
  },
  async teardown() {
    await sinks?.stop();
  },
};

const HTTP_MESSAGES = 2000;

/**
 * Messages per second through the outbox dispatcher and the generic HTTP SMS adapter to a local
 * gateway in another process; the peer is bare `fetch` of the same requests (same JSON, same
 * headers, same number in flight). The outbox is filled before the clock starts.
 */
const dispatchHttp: Benchmark = {
  name: 'channels.dispatch.http',
  unit: 'messages/s',
  higherIsBetter: true,
  peer: 'fetch of the same requests',
  runs: 5,
  async setup() {
    sinks = await startSinks();
  },
  async measure() {
    const url = (sinks as Sinks).httpUrl;
    const storage = memoryStorage();
    await people(storage, HTTP_MESSAGES);
    const channels = createChannels({
      storage,
      workspaceId: 'bench',
      adapters: [httpSms({ url, token: 'bench-token', from: 'SHOP' })],
      defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    });
    const text = (await createTemplateRenderer({ locale: 'vi-VN' }).render(PROMO_SMS, SCOPE)).content.text;
    const tag = run++;
    for (let index = 0; index < HTTP_MESSAGES; index++) {
      await channels.send({
        source: 'bench',
        step: `r${tag}`,
        profileId: `p${index}`,
        category: 'transactional',
        channels: ['sms'],
        templates: { sms: PROMO_SMS },
        data: SCOPE.data,
      });
    }
    const { cxMs, peerMs } = await timeSideBySide(
      tag,
      () => channels.dispatcher({ batchSize: 200, concurrency: IN_FLIGHT }).drain(),
      () =>
        inFlight(HTTP_MESSAGES, IN_FLIGHT, async (index) => {
          const id = `peer-${tag}-${index}`;
          const response = await fetch(url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: 'Bearer bench-token',
              'idempotency-key': id,
            },
            body: JSON.stringify({
              id,
              to: `+849${10_000_000 + index}`,
              from: 'SHOP',
              text,
              encoding: 'GSM-7',
              segments: 1,
            }),
          });
          await response.json();
        }),
    );
    const stats = await channels.outbox.stats();
    if (stats.scheduled + stats.claimed + stats.dead > 0)
      throw new Error('the outbox did not deliver everything');
    return { value: perSecond(HTTP_MESSAGES, cxMs), peerValue: perSecond(HTTP_MESSAGES, peerMs) };
  },
  async teardown() {
    await sinks?.stop();
  },
};

const SENDS = 5000;

/** `send` per second: validate, render the personalised email, and enqueue it in one commit. No peer. */
const sendMemory: Benchmark = {
  name: 'channels.send.memory',
  unit: 'messages/s',
  higherIsBetter: true,
  async measure() {
    const storage = memoryStorage();
    await people(storage, SENDS);
    const channels = createChannels({
      storage,
      workspaceId: 'bench',
      adapters: [smtpEmail({ smtp: { host: '127.0.0.1', port: 9, pool: false }, from: 'shop@example.com' })],
      links: { baseUrl: 'https://cx.example.com', secret: SECRET },
      defaults: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
    });
    await channels.templates.save(PROMO_EMAIL);
    const tag = run++;
    const ms = await timeMs(async () => {
      for (let index = 0; index < SENDS; index++) {
        await channels.send({
          source: 'bench',
          step: `r${tag}`,
          profileId: `p${index}`,
          channels: ['email'],
          templates: { email: PROMO_EMAIL.id },
          data: SCOPE.data,
        });
      }
    });
    return { value: perSecond(SENDS, ms) };
  },
};

const DECISIONS = 200_000;

/** Nanoseconds per contact-pressure decision: a ledger of 20 sends, two caps and quiet hours. */
const pressureCheck: Benchmark = {
  name: 'channels.pressure-check.memory',
  unit: 'ns',
  higherIsBetter: false,
  async measure() {
    const policy = createPressurePolicy({
      defaultTimezone: 'Asia/Ho_Chi_Minh',
      rules: [
        { id: 'night', kind: 'quiet-hours', from: '21:00', to: '08:00', action: 'hold' },
        { id: 'daily', kind: 'cap', max: 3, per: 'day' },
        { id: 'weekly-email', kind: 'cap', max: 10, per: 'week', channels: ['email'] },
        { id: 'promotions', kind: 'cap', max: 25, per: { hours: 24 * 30 }, topics: ['promotions'] },
      ],
    });
    const now = Date.parse('2026-03-04T05:00:00.000Z'); // 12:00 in Ho Chi Minh City, a Wednesday
    const channels = ['email', 'sms', 'zns', 'web-push'] as const;
    const ledger: LedgerEntry[] = Array.from({ length: 20 }, (_, i) => ({
      id: `m${i}`,
      channel: channels[i % channels.length] as LedgerEntry['channel'],
      category: 'marketing',
      topic: i % 2 === 0 ? 'promotions' : 'news',
      at: now - (i + 1) * 26 * 3_600_000,
    }));
    let sends = 0;
    const ms = await timeMs(() => {
      for (let i = 0; i < DECISIONS; i++) {
        const decision = policy.decide(
          ledger,
          { channel: channels[i & 3] as LedgerEntry['channel'], category: 'marketing', topic: 'promotions' },
          now + (i & 1023),
        );
        if (decision.action === 'send') sends++;
      }
    });
    if (sends !== DECISIONS) throw new Error('the benchmark ledger should allow every message');
    return { value: (ms * 1e6) / DECISIONS };
  },
};

const RENDERS = 20_000;

/** The same locale-aware filters registered on a bare liquidjs instance, for the peer. */
function peerLiquid() {
  const liquid = new Liquid({ strictVariables: true, strictFilters: true, ownPropertyOnly: true });
  const money = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });
  const number = new Intl.NumberFormat('vi-VN');
  const date = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'long', timeZone: 'Asia/Ho_Chi_Minh' });
  liquid.registerFilter('money', (value: number) => money.format(value));
  liquid.registerFilter('number', (value: number) => number.format(value));
  liquid.registerFilter('format_date', (value: string) => date.format(new Date(value)));
  return liquid;
}

/**
 * Renders per second of a personalised email (subject, HTML with a product loop, text) through
 * cx's renderer, against liquidjs rendering the same parsed fields with equivalent filters.
 */
const render: Benchmark = {
  name: 'channels.render',
  unit: 'renders/s',
  higherIsBetter: true,
  peer: 'liquidjs renderSync of the same parsed template',
  async measure() {
    const renderer = createTemplateRenderer({
      locale: 'vi-VN',
      currency: 'VND',
      timezone: 'Asia/Ho_Chi_Minh',
    });
    const liquid = peerLiquid();
    const variant = PROMO_EMAIL.variants['vi-VN'] as Record<string, string>;
    const htmlLiquid = new Liquid({
      strictVariables: true,
      strictFilters: true,
      ownPropertyOnly: true,
      outputEscape: 'escape',
    });
    for (const name of ['money', 'number', 'format_date']) {
      htmlLiquid.registerFilter(name, liquid.filters[name] as never);
    }
    const parsed = {
      subject: liquid.parse(variant.subject as string),
      html: htmlLiquid.parse(variant.html as string),
      text: liquid.parse(variant.text as string),
    };
    await renderer.render(PROMO_EMAIL, SCOPE); // parse once, as in production
    const { cxMs, peerMs } = await timeSideBySide(
      run++,
      async () => {
        for (let i = 0; i < RENDERS; i++) await renderer.render(PROMO_EMAIL, SCOPE);
      },
      async () => {
        for (let i = 0; i < RENDERS; i++) {
          ({
            subject: liquid.renderSync(parsed.subject, SCOPE),
            html: htmlLiquid.renderSync(parsed.html, SCOPE),
            text: liquid.renderSync(parsed.text, SCOPE),
          });
          await Promise.resolve();
        }
      },
    );
    return { value: perSecond(RENDERS, cxMs), peerValue: perSecond(RENDERS, peerMs) };
  },
};

export const benchmarks: Benchmark[] = [dispatchSmtp, dispatchHttp, sendMemory, pressureCheck, render];
