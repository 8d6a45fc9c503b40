import { describe, expect, it } from 'vitest';
import {
  breakdownMarkdown,
  breakdownSurvey,
  cohortRetention,
  createStreamingFunnel,
  csat,
  funnelMarkdown,
  markdownTable,
  nps,
  parseMetricDefinition,
  retentionMarkdown,
  type SurveyBreakdown,
  scoreMarkdown,
  sessionMetrics,
  webMarkdown,
} from '../src';

describe('reports', () => {
  it('renders scores as short Markdown tables', () => {
    expect(scoreMarkdown(nps([10, 9, 9, 8, 7, 6, 3, 10, 9, 8]))).toBe(
      ['| responses | NPS | 95% interval |', '| --- | --- | --- |', '| 10 | 30.0 | -19.1 to 65.2 |'].join(
        '\n',
      ),
    );
    expect(scoreMarkdown(csat([7, 6, 5, 7, 2]))).toContain('| 5 | 60.0% | 23.1% to 88.2% |');
    expect(scoreMarkdown(nps([]))).toContain('| 0 | – | – |');
    expect(markdownTable(['a'], [['x|y']])).toContain('x\\|y');
  });

  it('renders breakdowns, funnels, retention and web figures', () => {
    const breakdown = breakdownSurvey(
      [
        {
          messageId: 'm',
          timestamp: 0,
          profileId: null,
          userId: null,
          survey: 's',
          question: 'q',
          score: 9,
          touchpoint: 'web',
          channel: null,
          comment: null,
          properties: { touchpoint: 'web' },
          context: {},
        },
      ],
      { metric: { kind: 'nps' }, dimensions: [{ kind: 'property', name: 'touchpoint' }] },
    );
    expect(breakdownMarkdownLines(breakdown)).toBe(3 + 1);
    const funnel = createStreamingFunnel({
      steps: [{ event: 'A' }, { event: 'B' }],
      windowMs: 1000,
    }).result();
    expect(funnelMarkdown(funnel)).toContain('| 1. A | 0 |');
    expect(retentionMarkdown(cohortRetention([], { periods: 2 }))).toContain(
      '| cohort | size | week 0 | week 1 | week 2 |',
    );
    expect(webMarkdown(sessionMetrics([]))).toContain('| bounce rate (GA4) | – |');
  });

  it('metric definitions survive JSON and are validated', () => {
    const definition = parseMetricDefinition({
      kind: 'funnel',
      funnel: { steps: [{ event: 'A' }, { event: 'B' }], windowMs: 1000 },
    });
    expect(parseMetricDefinition(JSON.parse(JSON.stringify(definition)))).toEqual(definition);
    expect(() => parseMetricDefinition({ kind: 'funnel', funnel: { steps: [], windowMs: 0 } })).toThrowError(
      expect.objectContaining({ code: 'VALIDATION' }),
    );
  });
});

function breakdownMarkdownLines(breakdown: SurveyBreakdown): number {
  return breakdownMarkdown(breakdown).split('\n').length;
}
