import { ConfigError, ValidationError } from '@cx/core';
import { Context, type Liquid } from 'liquidjs';
import type { MessageContent, MessageLinks } from '../contract/outbound-message';
import { type ChosenVariant, chooseVariant, type VariantMatch } from './choose-variant';
import { createFormatterCache, type FormatterCache } from './formatter-cache';
import { createLiquidEngine, DEFAULT_FORMAT } from './liquid-engine';
import { liquidIssues, syntaxIssues } from './liquid-issues';
import { FORMAT_REGISTER, type FormatSettings } from './locale-filters';
import { canonicalLocale, languageOf } from './locale-tag';
import {
  createParsedTemplateCache,
  type ParsedField,
  type ParsedVariant,
  variantSources,
} from './parsed-template-cache';
import type { TemplateDefinition } from './template-definition';
import { type TemplateIssue, TemplateRenderError } from './template-render-error';

/** Options of {@link createTemplateRenderer}. */
export interface TemplateRendererOptions {
  /** The locale of people whose locale is unknown (BCP 47). Default `en-US`. */
  locale?: string;
  /** The currency of `money` when a render names none (ISO 4217). Default `USD`. */
  currency?: string;
  /** The time zone of people whose zone is unknown (IANA). Default `UTC`. */
  timezone?: string;
  /** How many parsed variants to keep (least recently used go first). Default 500. */
  cacheSize?: number;
  /**
   * Milliseconds one field may take to render before it is stopped. Off by default (it reads the
   * clock at every node); runaway loops are stopped by a memory bound anyway.
   */
  renderLimitMs?: number;
}

/** Per-render settings, usually the recipient's. */
export interface TemplateRenderOptions {
  /** The person's locale (BCP 47, `vi-VN`); picks the variant and formats numbers and dates. */
  locale?: string;
  /** The person's time zone (IANA, `Asia/Ho_Chi_Minh`) for `format_date` and `date`. */
  timezone?: string;
  /** The currency `money` formats in (ISO 4217, `VND`). */
  currency?: string;
}

/** The event that triggered the message. */
export interface TemplateEvent {
  /** The event's name (`Product Viewed`). */
  name?: string;
  properties?: Record<string, unknown>;
  /** When it happened (ISO), for `format_date`. */
  timestamp?: string;
  [key: string]: unknown;
}

/**
 * What a template can read: `profile` (and its `traits`, also at the top level as `traits`),
 * the triggering `event`, custom `data` (a journey's entry data, an API call's payload) and the
 * `message` (its id and the person's unsubscribe and preference links).
 *
 * @example
 * ```ts
 * const scope: TemplateScope = {
 *   profile: { id: 'p1', traits: { firstName: 'Lan' } },
 *   event: { name: 'Product Viewed', properties: { productName: 'Áo dài', price: 1_990_000 } },
 *   data: { coupon: 'TET2026' },
 *   message: { id: 'm1', links: { unsubscribe: 'https://cx.example/u/abc' } },
 * };
 * ```
 */
export interface TemplateScope {
  profile: { id: string; traits: Record<string, unknown> };
  event?: TemplateEvent;
  data?: Record<string, unknown>;
  message?: { id: string; links?: MessageLinks };
}

/** A render's result with how it was made. */
export interface RenderedTemplate {
  content: MessageContent;
  /** The locale of the variant used (a key of `variants`). */
  locale: string;
  /** Whether the variant was the exact locale, another of its language, or the default. */
  match: VariantMatch;
  /** The locale, currency and time zone numbers and dates were formatted with. */
  format: FormatSettings;
}

/** Counters of the parse cache, for tests and metrics. */
export interface TemplateRendererStats {
  /** Variants parsed (cache misses). */
  parses: number;
  /** Renders that reused a parsed variant. */
  cacheHits: number;
  /** Parsed variants held now. */
  cached: number;
}

/** Renders message templates for one person at a time. */
export interface TemplateRenderer {
  /**
   * The message content of `template` for the person in `scope`, from their locale's variant, and
   * which variant that was. Throws {@link TemplateRenderError} (listing every missing variable and
   * unknown filter of every field) before anything can be sent.
   */
  render(
    template: TemplateDefinition,
    scope: TemplateScope,
    options?: TemplateRenderOptions,
  ): Promise<RenderedTemplate>;
  /** The parse cache's counters. */
  stats(): TemplateRendererStats;
}

const CURRENCY = /^[A-Za-z]{3}$/;
const SYNC = { sync: true } as const;
/** Context options per (locale, time zone) are few in practice; the bound guards odd data. */
const MAX_CONTEXT_OPTIONS = 1_000;

type EngineOptions = Liquid['options'];
type ContextOptions = { html: EngineOptions; text: EngineOptions };

/**
 * A template renderer: Liquid (liquidjs) with strict variables and filters, own-property-only
 * lookups, HTML escaping in `html`, locale-aware filters (`money`, `number`, `percent`,
 * `format_date`) and a cache of parsed variants, so each variant is parsed once and a render costs
 * little more than liquidjs rendering the parsed fields directly.
 *
 * Numbers and dates are formatted in the person's locale when the variant is in their language,
 * and in the variant's own locale when it fell back to the default of another language (an English
 * text gets English numbers).
 *
 * @example
 * ```ts
 * const renderer = createTemplateRenderer({ locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });
 * const { content, locale } = await renderer.render(welcomeEmail, {
 *   profile: { id: 'p1', traits: { firstName: 'Lan' } },
 *   data: { coupon: 'TET2026' },
 * });
 * content.subject; // 'Chào Lan, quà Tết của bạn đây'
 * locale; // 'vi-VN', the variant used
 * ```
 */
export function createTemplateRenderer(options: TemplateRendererOptions = {}): TemplateRenderer {
  const formatters = createFormatterCache();
  const defaults = rendererDefaults(options, formatters);
  const engineOptions = { formatters, fallback: defaults, renderLimitMs: options.renderLimitMs };
  const html = createLiquidEngine({ ...engineOptions, escapeHtml: true });
  const text = createLiquidEngine({ ...engineOptions, escapeHtml: false });
  const cache = createParsedTemplateCache({ maxSize: options.cacheSize ?? 500 });
  const contextOptions = new Map<string, ContextOptions>();
  let parses = 0;
  let cacheHits = 0;

  /**
   * The engines' options with the person's locale and time zone, which the built-in `date` filter
   * reads from the context; one pair per (locale, zone), looked up once per render.
   */
  const optionsFor = (format: FormatSettings): ContextOptions => {
    const key = `${format.locale}\u0000${format.timezone}`;
    let found = contextOptions.get(key);
    if (found === undefined) {
      const person = { locale: format.locale, timezoneOffset: format.timezone };
      found = { html: { ...html.options, ...person }, text: { ...text.options, ...person } };
      if (contextOptions.size >= MAX_CONTEXT_OPTIONS) contextOptions.clear();
      contextOptions.set(key, found);
    }
    return found;
  };

  const parse = (template: TemplateDefinition, chosen: ChosenVariant): ParsedVariant => {
    const cached = cache.get(template.id, chosen.locale, chosen.content);
    if (cached !== undefined) {
      cacheHits++;
      return cached;
    }
    const fields: ParsedField[] = [];
    const issues: TemplateIssue[] = [];
    for (const source of variantSources(chosen.content)) {
      const engine = source.slot === 'html' ? html : text;
      if (!source.source.includes('{')) {
        fields.push({ ...source, engine, templates: undefined });
        continue;
      }
      try {
        fields.push({ ...source, engine, templates: engine.parse(source.source) });
      } catch (error) {
        // Parse again with the checker, which reports every syntax error of the field, not the first.
        const found = syntaxIssues(source.source, source.path);
        issues.push(...(found.length > 0 ? found : liquidIssues(error, source.path)));
      }
    }
    if (issues.length > 0)
      throw new TemplateRenderError({ template: template.id, locale: chosen.locale, issues });
    parses++;
    const parsed = { fields, templateId: chosen.content.templateId };
    cache.set(template.id, chosen.locale, chosen.content, parsed);
    return parsed;
  };

  const render = async (
    template: TemplateDefinition,
    scope: TemplateScope,
    renderOptions: TemplateRenderOptions = {},
  ): Promise<RenderedTemplate> => {
    const environment = scopeEnvironment(scope);
    const requested = renderOptions.locale ?? defaults.locale;
    const chosen = chooseVariant(template, requested);
    const format: FormatSettings = {
      locale: formatLocale(requested, chosen),
      currency: currencyOf(renderOptions.currency, defaults.currency),
      timezone: timezoneOf(renderOptions.timezone, defaults.timezone, formatters),
    };
    const parsed = parse(template, chosen);
    const personal = optionsFor(format);

    const content: MessageContent = {};
    const issues: TemplateIssue[] = [];
    for (const field of parsed.fields) {
      let value = field.source;
      if (field.templates !== undefined) {
        const engineOptions = field.engine === html ? personal.html : personal.text;
        const context = new Context(environment, engineOptions, SYNC, { liquid: field.engine });
        context.setRegister(FORMAT_REGISTER, format);
        try {
          value = field.engine.renderSync(field.templates, context) as string;
        } catch (error) {
          // Keep going: the error lists every problem of every field, so one fix is enough.
          issues.push(...diagnose(field, environment, engineOptions, format, error));
          continue;
        }
      }
      if (field.key === undefined) content[field.slot as 'subject'] = value;
      else {
        const slot = field.slot as 'templateData' | 'data';
        const record = (content[slot] ?? {}) as Record<string, string>;
        record[field.key] = value;
        content[slot] = record;
      }
    }
    if (issues.length > 0)
      throw new TemplateRenderError({ template: template.id, locale: chosen.locale, issues });
    if (parsed.templateId !== undefined) content.templateId = parsed.templateId;
    return { content, locale: chosen.locale, match: chosen.match, format };
  };

  return {
    render,
    stats: () => ({ parses, cacheHits, cached: cache.size }),
  };
}

/**
 * Renders a failed field again with `catchAllErrors`, which liquidjs only offers per context: the
 * fast path stops at the first error, and only a failing render pays for collecting them all.
 */
function diagnose(
  field: ParsedField,
  environment: Record<string, unknown>,
  engineOptions: EngineOptions,
  format: FormatSettings,
  first: unknown,
): TemplateIssue[] {
  const context = new Context(environment, { ...engineOptions, catchAllErrors: true }, SYNC, {
    liquid: field.engine,
  });
  context.setRegister(FORMAT_REGISTER, format);
  try {
    field.engine.renderSync(field.templates ?? [], context);
    return liquidIssues(first, field.path);
  } catch (error) {
    return liquidIssues(error, field.path);
  }
}

function rendererDefaults(options: TemplateRendererOptions, formatters: FormatterCache): FormatSettings {
  const locale = canonicalLocale(options.locale ?? DEFAULT_FORMAT.locale);
  if (locale === null)
    throw new ConfigError(`template renderer: ${JSON.stringify(options.locale)} is not a locale`);
  const currency = options.currency ?? DEFAULT_FORMAT.currency;
  if (!CURRENCY.test(currency))
    throw new ConfigError(`template renderer: ${JSON.stringify(currency)} is not an ISO 4217 currency code`);
  const timezone = options.timezone ?? DEFAULT_FORMAT.timezone;
  if (!isTimeZone(timezone, formatters))
    throw new ConfigError(`template renderer: ${JSON.stringify(timezone)} is not an IANA time zone`);
  return { locale, currency: currency.toUpperCase(), timezone };
}

/** The person's locale when the variant speaks their language, else the variant's own. */
function formatLocale(requested: string, chosen: ChosenVariant): string {
  if (chosen.match === 'exact') return chosen.locale;
  const wanted = canonicalLocale(requested) ?? chosen.locale;
  return languageOf(wanted) === languageOf(chosen.locale) ? wanted : chosen.locale;
}

function currencyOf(given: string | undefined, fallback: string): string {
  if (given === undefined) return fallback;
  if (!CURRENCY.test(given))
    throw invalidOption('currency', `${JSON.stringify(given)} is not an ISO 4217 code`);
  return given.toUpperCase();
}

function timezoneOf(given: string | undefined, fallback: string, formatters: FormatterCache): string {
  if (given === undefined) return fallback;
  if (!isTimeZone(given, formatters))
    throw invalidOption('timezone', `${JSON.stringify(given)} is not an IANA time zone`);
  return given;
}

/** Validates through the formatter cache, so a known zone costs a map lookup, not an Intl build. */
function isTimeZone(timezone: string, formatters: FormatterCache): boolean {
  try {
    formatters.date('en-US', `zone:${timezone}`, () => ({ timeZone: timezone }));
    return true;
  } catch {
    return false;
  }
}

function invalidOption(path: string, message: string): ValidationError {
  return new ValidationError(`template render ${path}: ${message}`, [
    { path, message, code: 'invalid_option' },
  ]);
}

function scopeEnvironment(scope: TemplateScope): Record<string, unknown> {
  const profile = (scope as Partial<TemplateScope> | undefined)?.profile;
  if (
    typeof profile !== 'object' ||
    profile === null ||
    typeof profile.traits !== 'object' ||
    profile.traits === null
  ) {
    throw new ValidationError('template scope: profile.traits must be an object', [
      { path: 'profile.traits', message: 'must be an object', code: 'invalid_type' },
    ]);
  }
  // A fresh top-level object per render: `{% increment %}` writes here, never into the caller's data.
  const environment: Record<string, unknown> = { profile, traits: profile.traits };
  if (scope.event !== undefined) environment['event'] = scope.event;
  if (scope.data !== undefined) environment['data'] = scope.data;
  if (scope.message !== undefined) environment['message'] = scope.message;
  return environment;
}
