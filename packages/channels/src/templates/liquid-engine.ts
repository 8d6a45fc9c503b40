import { Liquid } from 'liquidjs';
import { createFormatterCache, type FormatterCache } from './formatter-cache';
import { type FormatSettings, localeFilters } from './locale-filters';

/** Options of {@link createLiquidEngine}. */
export interface LiquidEngineOptions {
  /** HTML-escape every `{{ output }}` (bypass with `| raw`): for the `html` field only. */
  escapeHtml: boolean;
  /** Where the locale filters keep their Intl formatters. */
  formatters: FormatterCache;
  /** What the locale filters format with when a render sets nothing. */
  fallback: FormatSettings;
  /** Report every error of a template instead of stopping at the first (diagnostics only). */
  catchAllErrors?: boolean;
  /**
   * Milliseconds one field may take to render. Off by default: when it is set, liquidjs reads the
   * clock at every node, which costs about a tenth of a typical render, and {@link MEMORY_LIMIT}
   * already stops runaway loops.
   */
  renderLimitMs?: number;
}

/**
 * Tags that read files. Templates are data authored in a dashboard, so `{% include '../.env' %}`
 * must not reach the disk: these tags are removed and using one is a syntax error at save.
 */
const FILE_TAGS = ['include', 'render', 'layout'] as const;

/** The largest template string parsed, in characters (Gmail clips an email past ~100 kB anyway). */
export const MAX_TEMPLATE_LENGTH = 1_000_000;

/**
 * What one render may allocate, in liquidjs's units (characters of strings built, items of ranges
 * and arrays): `{% for i in (1..1000000000) %}` stops at once instead of hanging the process, and
 * counting costs an addition, not a clock read.
 */
export const MEMORY_LIMIT = 10_000_000;

/** What formatting falls back to when nothing else is said: the renderer's documented defaults. */
export const DEFAULT_FORMAT: FormatSettings = { locale: 'en-US', currency: 'USD', timezone: 'UTC' };

/**
 * A Liquid engine with cx's settings:
 * - `strictVariables` and `strictFilters`: a typo or a missing trait is an error before anything
 *   is sent, never an empty greeting (`Xin chào ,`);
 * - `lenientIf`: `{% if profile.traits.nickname %}` and `| default:` still work on absent values,
 *   which is how templates handle optional data on purpose;
 * - `ownPropertyOnly`: `{{ profile.constructor }}` and other prototype members are undefined;
 * - no file tags, a bounded template size and render memory;
 * - a fixed `locale` and `timezoneOffset` (the built-in `date` filter would otherwise follow the
 *   server's), which each render replaces with the person's through its context options.
 *
 * @example
 * ```ts
 * const engine = createLiquidEngine({ escapeHtml: true, formatters: createFormatterCache(), fallback: DEFAULT_FORMAT });
 * engine.parseAndRenderSync('<b>{{ name }}</b>', { name: '<i>' }); // '<b>&lt;i&gt;</b>'
 * ```
 */
export function createLiquidEngine(options: LiquidEngineOptions): Liquid {
  const engine = new Liquid({
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    outputEscape: options.escapeHtml ? 'escape' : undefined,
    catchAllErrors: options.catchAllErrors ?? false,
    locale: options.fallback.locale,
    timezoneOffset: options.fallback.timezone,
    // No template may reach files; `templates` makes any lookup that slips through hit an empty map.
    templates: {},
    parseLimit: MAX_TEMPLATE_LENGTH,
    memoryLimit: MEMORY_LIMIT,
    ...(options.renderLimitMs === undefined ? {} : { renderLimit: options.renderLimitMs }),
  });
  for (const tag of FILE_TAGS) delete engine.tags[tag];
  for (const [name, filter] of Object.entries(localeFilters(options.formatters, options.fallback)))
    engine.registerFilter(name, filter);
  return engine;
}

let checker: Liquid | undefined;

/**
 * The engine that checks syntax (definitions at save, diagnostics after a failed parse): it knows
 * the same tags and filters as a renderer's and reports every error at once. Made on first use so
 * importing the package builds nothing.
 *
 * @example
 * ```ts
 * syntaxChecker().parse('{{ profile.traits.firstName }}');
 * ```
 */
export function syntaxChecker(): Liquid {
  checker ??= createLiquidEngine({
    escapeHtml: false,
    formatters: createFormatterCache(16),
    fallback: DEFAULT_FORMAT,
    catchAllErrors: true,
  });
  return checker;
}
