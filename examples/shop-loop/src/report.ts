import type { JourneyStats, MeasuredJourneyMap } from '@cx/journey';

/** Everything the report prints, gathered by `main.ts`. */
export interface LoopReport {
  simulated: { from: number; to: number };
  traffic: {
    visitors: number;
    signUps: number;
    secondDevice: number;
    calls: number;
    accepted: number;
    rejected: number;
  };
  profiles: { canonical: number; identified: number; anonymous: number; merges: number };
  segments: { name: string; sizes: number[] }[];
  segmentDays: string[];
  journey: JourneyStats;
  messages: { channel: string; status: string; count: number }[];
  emails: { received: number; first: { subject: string; text: string } | undefined; withUnsubscribe: number };
  map: MeasuredJourneyMap;
  elapsedMs: number;
}

const percent = (value: number | null) => (value === null ? '' : `${(value * 100).toFixed(1)}%`);
const duration = (ms: number | null) =>
  ms === null ? '' : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** A small text table: the first column left-aligned, the rest right-aligned. */
function table(header: string[], rows: (string | number)[][]): void {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) =>
    `  ${row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0))).join('  ')}`;
  console.log(line(header));
  console.log(`  ${widths.map((width) => '─'.repeat(width)).join('  ')}`);
  for (const row of cells.slice(1)) console.log(line(row));
}

/** Prints the loop's report: identity, segments, the journey, messages, emails, the journey map. */
export function printReport(report: LoopReport): void {
  const { traffic, profiles, journey, map, emails } = report;
  console.log(
    `\ncx shop loop: ${day(report.simulated.from)} → ${day(report.simulated.to)} UTC simulated ` +
      `in ${(report.elapsedMs / 1000).toFixed(1)} s\n`,
  );

  console.log('Identity');
  table(
    ['', 'count'],
    [
      ['visitors', traffic.visitors],
      ['  signed up (identify with email and name)', traffic.signUps],
      ['  came back on a second device and logged in', traffic.secondDevice],
      ['calls ingested (accepted / rejected)', `${traffic.accepted} / ${traffic.rejected}`],
      ['profiles (canonical)', profiles.canonical],
      ['  identified (with email)', profiles.identified],
      ['  anonymous', profiles.anonymous],
      ['merges (anonymous device → known profile)', profiles.merges],
    ],
  );

  console.log('\nSegments (members at the end of each simulated day, and the hourly peak)');
  table(
    ['segment', ...report.segmentDays],
    report.segments.map((segment) => [segment.name, ...segment.sizes]),
  );

  console.log(`\nJourney ${journey.journeyId} v${journey.version}`);
  table(
    ['node', 'entered', 'waiting', 'converted', 'dropped'],
    Object.entries(journey.nodes).map(([node, stats]) => [
      node,
      stats.entered,
      stats.waiting,
      stats.converted,
      stats.dropOff,
    ]),
  );
  const { instances } = journey;
  console.log(
    `  instances ${instances.total}: ${instances.completed} reached the goal, ${instances.exited} exited, ` +
      `${instances.running} running; goal conversion ${percent(journey.conversionRate)} ` +
      `(ordered: ${journey.goals.ordered ?? 0})`,
  );

  console.log('\nMessages');
  table(
    ['channel', 'status', 'count'],
    report.messages.map((row) => [row.channel, row.status, row.count]),
  );
  console.log(
    `  emails received by the local SMTP server: ${emails.received} ` +
      `(${emails.withUnsubscribe} with List-Unsubscribe)`,
  );
  if (emails.first !== undefined) {
    console.log(`  first subject: ${emails.first.subject}`);
    for (const line of emails.first.text.trim().split('\n'))
      console.log(`  │ ${line.length > 96 ? `${line.slice(0, 95)}…` : line}`);
  }

  console.log(`\nJourney map ${map.mapId} (${map.engine}, within ${duration(map.windowMs)})`);
  table(
    ['stage', 'reached', 'from previous', 'dropped', 'drop-off', 'median time'],
    map.stages.map((stage) => [
      `${stage.name} (${stage.kind})`,
      stage.reached,
      percent(stage.conversionFromPrevious),
      stage.dropOff ?? '',
      percent(stage.dropOffRate),
      duration(stage.medianMsFromPrevious),
    ]),
  );
  console.log(
    `  converted ${map.converted} of ${map.entered} (${percent(map.conversionRate)}); ` +
      `biggest drop-off at ${map.biggestDropOff ?? 'none'}`,
  );
}
