import { createHash } from 'node:crypto';
import type { Liquid, Template } from 'liquidjs';
import { TEMPLATE_TEXT_FIELDS, type TemplateContent } from './template-definition';

/** Where a field's rendered value goes in the message content. */
export type ContentSlot = (typeof TEMPLATE_TEXT_FIELDS)[number] | 'templateData' | 'data';

/** One Liquid string of a variant, parsed by the engine that renders it. */
export interface ParsedField {
  slot: ContentSlot;
  /** The key inside `templateData` or `data`; `undefined` for the text fields. */
  key: string | undefined;
  /** `subject`, `templateData.name`: how issues name the field. */
  path: string;
  /** The Liquid source, kept to check that a cached parse still matches the variant. */
  source: string;
  engine: Liquid;
  /** The parsed templates, or `undefined` for plain text with no Liquid in it (rendered as is). */
  templates: Template[] | undefined;
}

/** A variant parsed once and rendered many times. */
export interface ParsedVariant {
  fields: ParsedField[];
  templateId: string | undefined;
}

/** The Liquid strings of a variant in a fixed order: text fields, then `templateData`, then `data`. */
export function variantSources(
  content: TemplateContent,
): Array<Pick<ParsedField, 'slot' | 'key' | 'path' | 'source'>> {
  const sources: Array<Pick<ParsedField, 'slot' | 'key' | 'path' | 'source'>> = [];
  for (const slot of TEMPLATE_TEXT_FIELDS) {
    const source = content[slot];
    if (source !== undefined) sources.push({ slot, key: undefined, path: slot, source });
  }
  for (const slot of ['templateData', 'data'] as const) {
    const record = content[slot];
    if (record === undefined) continue;
    for (const key of Object.keys(record)) {
      sources.push({ slot, key, path: `${slot}.${key}`, source: record[key] as string });
    }
  }
  return sources;
}

function countFields(content: TemplateContent): number {
  let count = 0;
  for (const slot of TEMPLATE_TEXT_FIELDS) if (content[slot] !== undefined) count++;
  for (const slot of ['templateData', 'data'] as const) {
    const record = content[slot];
    if (record !== undefined) for (const _ in record) count++;
  }
  return count;
}

/**
 * True when `parsed` was made from exactly this content. Strings are compared by identity first by
 * the engine, so for an unchanged object this costs a few pointer comparisons, and it catches a
 * variant edited in place (a preview editor mutating its draft) that a plain WeakMap would miss.
 */
function stillMatches(content: TemplateContent, parsed: ParsedVariant): boolean {
  if (content.templateId !== parsed.templateId) return false;
  if (countFields(content) !== parsed.fields.length) return false;
  for (const field of parsed.fields) {
    const value =
      field.key === undefined
        ? content[field.slot as (typeof TEMPLATE_TEXT_FIELDS)[number]]
        : (content[field.slot as 'templateData' | 'data'] as Record<string, string> | undefined)?.[field.key];
    if (value !== field.source) return false;
  }
  return true;
}

/** Options of {@link createParsedTemplateCache}. */
export interface ParsedTemplateCacheOptions {
  /** How many parsed variants to keep; the least recently used goes first. */
  maxSize: number;
}

/** Parsed variants by template id and content hash, with a fast path for the same content object. */
export interface ParsedTemplateCache {
  get(templateId: string, locale: string, content: TemplateContent): ParsedVariant | undefined;
  set(templateId: string, locale: string, content: TemplateContent, parsed: ParsedVariant): void;
  readonly size: number;
}

function contentHash(content: TemplateContent): string {
  const sources = variantSources(content).map((field) => [field.path, field.source]);
  sources.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([content.templateId ?? null, sources]))
    .digest('base64url');
}

/**
 * The renderer's cache of parsed variants. Two levels: a WeakMap on the content object (no hashing
 * on the hot path, where the same definition object is rendered for every recipient) and an LRU map
 * on `template id + locale + sha256 of the content` (a definition read afresh from the store for
 * each send still finds the parse, and an edited template never finds a stale one).
 *
 * @example
 * ```ts
 * const cache = createParsedTemplateCache({ maxSize: 500 });
 * cache.get('welcome-email', 'vi-VN', variant) ?? cache.set('welcome-email', 'vi-VN', variant, parse(variant));
 * ```
 */
export function createParsedTemplateCache(options: ParsedTemplateCacheOptions): ParsedTemplateCache {
  const byObject = new WeakMap<TemplateContent, ParsedVariant>();
  const byHash = new Map<string, ParsedVariant>();
  const keyOf = (templateId: string, locale: string, content: TemplateContent) =>
    `${templateId}\u0000${locale}\u0000${contentHash(content)}`;

  return {
    get(templateId, locale, content) {
      const same = byObject.get(content);
      if (same !== undefined && stillMatches(content, same)) return same;
      const key = keyOf(templateId, locale, content);
      const found = byHash.get(key);
      if (found === undefined) return undefined;
      // Map keeps insertion order: re-inserting marks the entry as most recently used.
      byHash.delete(key);
      byHash.set(key, found);
      byObject.set(content, found);
      return found;
    },
    set(templateId, locale, content, parsed) {
      const key = keyOf(templateId, locale, content);
      byHash.delete(key);
      byHash.set(key, parsed);
      while (byHash.size > options.maxSize) {
        const oldest = byHash.keys().next().value;
        if (oldest === undefined) break;
        byHash.delete(oldest);
      }
      byObject.set(content, parsed);
    },
    get size() {
      return byHash.size;
    },
  };
}
