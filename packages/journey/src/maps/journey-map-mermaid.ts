import type { JourneyMap, JourneyStage } from './journey-map-types';
import type { MeasuredJourneyMap, MeasuredStage } from './measured-journey-map';
import { mermaidText, percent } from './mermaid-text';

const signed = (score: number) => {
  const rounded = Math.round(score * 100) / 100;
  return rounded > 0 ? `+${rounded}` : String(rounded === 0 ? 0 : rounded);
};

function emotionText(stage: JourneyStage, measured: MeasuredStage | undefined): string | null {
  if (measured?.emotion != null)
    return measured.emotion.score === null ? 'emotion n/a' : `emotion ${signed(measured.emotion.score)}`;
  if (stage.emotion?.source === 'manual') return `emotion ${signed(stage.emotion.score)}`;
  return null;
}

function stageTitle(stage: JourneyStage, index: number, measured: MeasuredStage | undefined): string {
  const emotion = emotionText(stage, measured);
  const facts = [
    ...(measured === undefined ? [] : [`reached ${measured.reached}`]),
    ...(emotion === null ? [] : [emotion]),
  ];
  const head = `${index + 1}. ${mermaidText(stage.name)} (${stage.kind})`;
  return facts.length === 0 ? head : `${head}<br/>${facts.join(' · ')}`;
}

function stageLines(stage: JourneyStage, index: number, measured: MeasuredStage | undefined): string[] {
  const id = `s${index}`;
  const lines = [`  subgraph ${id}["${stageTitle(stage, index, measured)}"]`, '    direction TB'];
  stage.touchpoints.forEach((touchpoint, t) => {
    const channel = touchpoint.channel === undefined ? '' : `<br/>${touchpoint.channel}`;
    lines.push(`    ${id}t${t}["${mermaidText(touchpoint.name)}${channel}"]`);
  });
  (stage.painPoints ?? []).forEach((pain, p) => {
    lines.push(`    ${id}p${p}["Pain point: ${mermaidText(pain)}"]`);
  });
  lines.push('  end');
  return lines;
}

function edge(index: number, measured: MeasuredStage | undefined): string {
  const link = `  s${index - 1} -->`;
  if (measured === undefined || measured.conversionFromPrevious === null || measured.dropOff === null)
    return `${link} s${index}`;
  const lost = measured.dropOffRate === null ? '' : ` (${percent(measured.dropOffRate)})`;
  return `${link}|"${percent(measured.conversionFromPrevious)} continue · ${measured.dropOff} lost${lost}"| s${index}`;
}

/**
 * A journey map as a Mermaid `flowchart LR`: one subgraph per stage (number, name, kind, and with
 * a measurement the people reached and the emotion) holding its touchpoints (with channel) and
 * pain points, and one edge per stage transition labelled with the share who continue and the
 * drop-off (count and share). Node ids are positional (`s0`, `s0t1`), every text is escaped
 * (see `mermaidText`), and the output depends on nothing but the arguments.
 *
 * @example
 * ```ts
 * const diagram = journeyMapMermaid(map, measured);
 * writeFileSync('shop-map.md', `\`\`\`mermaid\n${diagram}\`\`\`\n`);
 * ```
 */
export function journeyMapMermaid(map: JourneyMap, measured?: MeasuredJourneyMap): string {
  const byId = new Map(measured?.stages.map((stage) => [stage.stageId, stage]));
  const lines = ['flowchart LR', `  %% ${mermaidText(map.name)} (${map.id})`];
  for (const [index, stage] of map.stages.entries())
    lines.push(...stageLines(stage, index, byId.get(stage.id)));
  for (let index = 1; index < map.stages.length; index++)
    lines.push(edge(index, byId.get(map.stages[index]!.id)));
  return `${lines.join('\n')}\n`;
}
