import type { ChannelKind, MessageCategory, MessageContent, SendRequest } from '@cx/channels';
import { ConfigError, createIdGenerator, isCxError, type Storage, type ValidationError } from '@cx/core';
import { channelChain } from '../channels/channel-chain';
import { confirmSend } from '../channels/confirm-send';
import { contentLines } from '../channels/content-lines';
import { findRecipient } from '../channels/find-recipient';
import { invalidReport } from '../channels/invalid-report';
import { messageReport } from '../channels/message-report';
import { type OpenedChannels, openChannels } from '../channels/open-channels';
import { readChannelsConfig } from '../channels/read-channels-config';
import { sendData } from '../channels/send-data';
import { type ChosenTemplate, chooseTemplates } from '../channels/send-templates';
import { STORE_FLAGS, storeOf } from '../channels/store-flags';
import { openStorage } from '../storage/open-storage';
import { type CliIo, EXIT } from './cli-io';
import { parseFlags } from './parse-flags';
import { SEND_USAGE } from './usage';

const SEND_FLAGS = {
  ...STORE_FLAGS,
  channels: { type: 'string' },
  to: { type: 'string' },
  channel: { type: 'string' },
  template: { type: 'string', multiple: true },
  data: { type: 'string' },
  'data-file': { type: 'string' },
  category: { type: 'string' },
  topic: { type: 'string' },
  locale: { type: 'string' },
  source: { type: 'string' },
  step: { type: 'string' },
  preview: { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The send as the flags describe it, checked before the store is opened. */
interface SendPlan {
  to: string;
  chain: ChannelKind[];
  templates: string[];
  category: MessageCategory;
  data: Record<string, unknown>;
  topic: string | undefined;
  locale: string | undefined;
  source: string;
  step: string | undefined;
  preview: boolean;
  yes: boolean;
  json: boolean;
}

/** One channel's rendered content. */
interface Preview {
  channel: ChannelKind;
  template: string;
  locale: string;
  content: MessageContent;
}

function categoryOf(value: string | undefined): MessageCategory {
  if (value === undefined || value === 'marketing' || value === 'transactional') return value ?? 'marketing';
  throw new ConfigError(`--category must be marketing or transactional, got "${value}"`);
}

/**
 * `cx send`: renders a message for one person and prints each channel's preview; unless
 * `--preview`, enqueues it and drains the outbox so it goes out at once, then prints what
 * happened (status, provider, history). A template that cannot be rendered for the person is
 * printed with its issues and exits 2 with nothing stored.
 */
export async function sendCommand(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(argv, SEND_FLAGS);
  if (values.help) {
    io.stdout.write(SEND_USAGE);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new ConfigError(`cx send takes no arguments, got "${positionals[0]}"`);
  const store = storeOf(values);
  if (values.to === undefined) {
    throw new ConfigError('--to is required: <type>:<value> (such as email:an@example.com) or a profile id');
  }
  const chain = channelChain(values.channel);
  if (values.template === undefined) {
    throw new ConfigError('--template is required: a saved template id or a template JSON file');
  }
  const plan: SendPlan = {
    to: values.to,
    chain,
    templates: values.template,
    category: categoryOf(values.category),
    data: await sendData(values, io.stdin),
    topic: values.topic,
    locale: values.locale,
    source: values.source ?? 'cli',
    step: values.step,
    preview: values.preview === true,
    yes: values.yes === true,
    json: values.json === true,
  };
  const loaded = await readChannelsConfig(values.channels, { env: io.env });
  if (loaded === null && !plan.preview) {
    throw new ConfigError(
      'no channels config: give --channels <file> or create ./cx.channels.json (only --preview works without one)',
    );
  }

  const opened = await openStorage(store.spec, {
    onConnectionError: (error) =>
      io.stderr.write(`cx send: database connection lost (${error.message}); it reconnects on next use\n`),
  });
  let service: OpenedChannels | undefined;
  try {
    service = await openChannels({
      storage: opened.storage,
      workspaceId: store.workspaceId,
      clock: io.clock,
      loaded,
    });
    return await run(plan, service, opened.storage, store.workspaceId, io);
  } catch (error) {
    if (!isCxError(error, 'VALIDATION')) throw error;
    io.stderr.write(invalidReport('cx send', error as ValidationError));
    return EXIT.usage;
  } finally {
    await service?.close();
    await opened.close();
  }
}

/** Finds the person, renders the previews, and (unless --preview) sends and reports the outcome. */
async function run(
  plan: SendPlan,
  service: OpenedChannels,
  storage: Storage,
  workspaceId: string,
  io: CliIo,
): Promise<number> {
  const { channels } = service;
  const profile = await findRecipient(storage, workspaceId, plan.to);
  const chosen = await chooseTemplates(plan.templates, plan.chain, channels.templates, io.stdin);

  // Rendering every channel first means a missing variable stops here, before anything is stored.
  const previews: Preview[] = [];
  for (const channel of plan.chain) {
    const { template, label } = chosen.get(channel) as ChosenTemplate;
    const rendered = await channels.preview({
      profileId: profile.id,
      channel,
      template,
      data: plan.data,
      ...(plan.locale === undefined ? {} : { locale: plan.locale }),
    });
    previews.push({ channel, template: label, locale: rendered.locale, content: rendered.content });
  }
  if (!plan.json) {
    io.stdout.write(`preview for ${plan.to} (profile ${profile.id}):\n`);
    for (const preview of previews) {
      io.stdout.write(`${preview.channel}, template ${preview.template}, ${preview.locale}:\n`);
      io.stdout.write(contentLines(preview.content, '  '));
    }
  }
  if (plan.preview) {
    if (plan.json) io.stdout.write(`${JSON.stringify({ profileId: profile.id, previews })}\n`);
    return EXIT.ok;
  }
  if (
    !plan.yes &&
    !(await confirmSend(`Send it to ${plan.to} on ${plan.chain.join(' → ')}?`, {
      stdin: io.stdin,
      stderr: io.stderr,
      signal: io.signal,
    }))
  ) {
    io.stderr.write('cx send: not sent\n');
    return EXIT.ok;
  }

  // Without --step every run is a new message; with it, a second run finds the first one.
  const step = plan.step ?? `cli-${createIdGenerator(io.clock)()}`;
  const request: SendRequest = {
    source: plan.source,
    step,
    profileId: profile.id,
    channels: plan.chain,
    templates: Object.fromEntries([...chosen].map(([channel, choice]) => [channel, choice.template])),
    category: plan.category,
    data: plan.data,
    ...(plan.topic === undefined ? {} : { topic: plan.topic }),
    ...(plan.locale === undefined ? {} : { locale: plan.locale }),
  };
  const receipt = await channels.send(request);
  const processed = await channels
    .dispatcher({ onError: (error) => io.stderr.write(`cx send: outbox: ${describe(error)}\n`) })
    .drain();
  const record = await channels.message(receipt.messageId);
  if (plan.json) {
    io.stdout.write(
      `${JSON.stringify({ profileId: profile.id, previews, receipt, processed, message: record })}\n`,
    );
  } else {
    io.stdout.write(
      receipt.duplicate
        ? `\nmessage ${receipt.messageId} was enqueued before by --source ${plan.source} --step ${step}: nothing new was queued\n`
        : `\nenqueued message ${receipt.messageId} (source ${plan.source}, step ${step})\n`,
    );
    if (record) io.stdout.write(messageReport(record));
    // Draining delivers whatever else was due too (retries, ended holds): say so.
    if (processed > 1) io.stdout.write(`(${processed} due messages were processed, not just this one)\n`);
  }
  return record?.status === 'failed' ? EXIT.fatal : EXIT.ok;
}

function describe(error: unknown): string {
  if (isCxError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
