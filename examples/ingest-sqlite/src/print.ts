import type { IdentityDecision, IngestResult, Profile360 } from '@cx/identity';

const vnd = new Intl.NumberFormat('vi-VN', { style: 'currency', currency: 'VND' });

/** One line per outcome, and the reason for every event that was not stored. */
export function printIngestSummary(sent: number, result: IngestResult): void {
  console.log(
    `Ingested ${sent} events: ${result.accepted} accepted, ${result.duplicates} duplicate, ` +
      `${result.rejected} rejected, ${result.suppressed} suppressed`,
  );
  for (const item of result.results) {
    if (item.status === 'accepted') continue;
    console.log(
      `  event #${item.index} (${item.messageId ?? 'no messageId'}): ${item.status} ${item.code ?? ''} ${item.message ?? ''}`,
    );
  }
}

/** A short single-customer view, with every identity decision and the rule behind it. */
export function printProfile(profile: Profile360, decisions: readonly IdentityDecision[]): void {
  const name = typeof profile.traits.name === 'string' ? profile.traits.name : '(no name)';
  console.log(`\n${name}  [${profile.id}]`);
  console.log(`  identifiers: ${profile.identifiers.map((i) => `${i.type}=${i.value}`).join(', ')}`);
  const traits = Object.entries(profile.traits)
    .filter(([key]) => key !== 'name')
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  if (traits.length > 0) console.log(`  traits: ${traits.join(', ')}`);
  if (Object.keys(profile.consent).length > 0) console.log(`  consent: ${JSON.stringify(profile.consent)}`);
  console.log(
    `  seen ${profile.firstSeen} → ${profile.lastSeen}; ${profile.eventCounts.total} events; ` +
      `${profile.revenue.orders} orders, ${vnd.format(profile.revenue.total)}`,
  );
  if (profile.mergedProfileIds.length > 0)
    console.log(`  merged from: ${profile.mergedProfileIds.join(', ')}`);
  for (const decision of decisions)
    console.log(`  decision: ${decision.kind} (${decision.rule}): ${decision.reason}`);
}
