import type { MessageRecord } from '@cx/channels';
import { textTable } from '../commands/text-table';
import { contentLines } from './content-lines';

/** Statuses after which the message is with the provider (or further along). */
const WENT_OUT = new Set(['sent', 'delivered', 'opened', 'clicked']);

/** What the person running the command can do about a message in this status, if anything. */
function hint(record: MessageRecord): string | undefined {
  switch (record.status) {
    case 'queued':
      return 'it is waiting for its next attempt: run cx outbox run later (or from cron)';
    case 'held':
      return 'a contact-pressure rule holds it: cx outbox run sends it once the hold ends';
    case 'failed':
      return `every channel failed; fix the cause, then: cx outbox retry ${record.id}`;
    default:
      return undefined;
  }
}

/**
 * A message record as text: status, route, the provider that took it, the rule behind a hold,
 * drop, suppression or failure, and the history of dispatcher turns as a table. With
 * `contents`, the rendered content of each channel of the chain too.
 *
 * @example
 * ```ts
 * io.stdout.write(messageReport(await channels.message(id), { contents: true }));
 * ```
 */
export function messageReport(record: MessageRecord, options: { contents?: boolean } = {}): string {
  const rows: string[][] = [
    ['profile', record.profileId],
    ['source', `${record.source} / step ${record.step}`],
    ['category', `${record.category}${record.topic === undefined ? '' : ` (topic ${record.topic})`}`],
    ['chain', record.chain.join(' → ')],
    ['created', record.createdAt],
  ];
  if (WENT_OUT.has(record.status) && record.provider !== undefined) {
    rows.push([
      'sent',
      `on ${record.sentOn ?? '?'} via ${record.provider} (provider id ${record.providerMessageId ?? '-'})${
        record.sentAt ? ` at ${record.sentAt}` : ''
      }`,
    ]);
  }
  if (record.decision) rows.push(['decision', `${record.decision.rule}: ${record.decision.reason}`]);
  let out = `message ${record.id}: ${record.status}\n`;
  out += textTable(rows.map(([name, value]) => [`  ${name}`, value ?? '']));
  const next = hint(record);
  if (next) out += `  → ${next}\n`;
  if (options.contents) {
    for (const channel of record.chain) {
      const content = record.contents[channel];
      if (content) out += `content on ${channel}:\n${contentLines(content, '  ')}`;
    }
  }
  if (record.history.length === 0) return `${out}history: none yet\n`;
  out += 'history:\n';
  out += textTable([
    ['  AT', 'CHANNEL', 'PROVIDER', 'OUTCOME', 'RULE', 'REASON'],
    ...record.history.map((turn) => [
      `  ${turn.at}`,
      turn.channel,
      turn.provider ?? '-',
      turn.outcome,
      turn.rule ?? '-',
      turn.reason ?? '',
    ]),
  ]);
  return out;
}
