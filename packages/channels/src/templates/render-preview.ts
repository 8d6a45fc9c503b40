import { ValidationError } from '@cx/core';
import type { MessageContent } from '../contract/outbound-message';
import type { VariantMatch } from './choose-variant';
import type { FormatSettings } from './locale-filters';
import { defineTemplate, type TemplateDefinition } from './template-definition';
import {
  createTemplateRenderer,
  type TemplateRenderer,
  type TemplateRenderOptions,
  type TemplateScope,
} from './template-renderer';
import type { TemplateStore } from './template-store';
import { templateVariables } from './template-variables';

/** What {@link renderPreview} renders: a saved template, or a draft that is not saved yet. */
export type PreviewSource =
  | { store: TemplateStore; templateId: string; template?: undefined }
  | { template: TemplateDefinition; store?: undefined; templateId?: undefined };

/** Options of {@link renderPreview}. */
export type RenderPreviewOptions = PreviewSource &
  TemplateRenderOptions & {
    /** The person (or sample data) to render for. */
    scope: TemplateScope;
    /** A renderer to reuse (its defaults and parse cache); a fresh one when omitted. */
    renderer?: TemplateRenderer;
  };

/** A rendered preview. */
export interface TemplatePreview {
  content: MessageContent;
  /** The locale of the variant used. */
  locale: string;
  /** How the variant was chosen: `exact`, `language` or `default`. */
  match: VariantMatch;
  /** The locale, currency and time zone used for numbers and dates. */
  format: FormatSettings;
  /** Every variable the template reads (all variants), as {@link templateVariables} lists them. */
  variables: string[];
  /** The stored version rendered, for a saved template. */
  version?: number;
}

/**
 * Renders a template for a preview: the API behind the server's and CLI's "render preview". A
 * saved template is read from the store (`NotFoundError` when missing); a draft is validated first
 * (`ValidationError` with every syntax problem). Render problems throw `TemplateRenderError` with
 * every missing variable, as a real send would.
 *
 * @example
 * ```ts
 * const preview = await renderPreview({
 *   store: templates,
 *   templateId: 'welcome-email',
 *   scope: { profile: { id: 'p1', traits: { firstName: 'Lan' } }, data: { coupon: 'TET2026' } },
 *   locale: 'vi-VN',
 * });
 * preview.content.subject; // 'Chào Lan, quà Tết của bạn đây'
 * preview.variables; // ['data.coupon', 'profile.traits.firstName']
 * ```
 */
export async function renderPreview(options: RenderPreviewOptions): Promise<TemplatePreview> {
  let template: TemplateDefinition;
  let version: number | undefined;
  if (options.store !== undefined) {
    const stored = await options.store.get(options.templateId);
    template = stored;
    version = stored.version;
  } else if (options.template !== undefined) {
    template = defineTemplate(options.template);
  } else {
    throw new ValidationError('render preview needs a store and templateId, or a template', [
      { path: 'template', message: 'give a store and templateId, or a template', code: 'invalid_type' },
    ]);
  }
  const renderer = options.renderer ?? createTemplateRenderer();
  const rendered = await renderer.render(template, options.scope, {
    locale: options.locale,
    timezone: options.timezone,
    currency: options.currency,
  });
  return {
    content: rendered.content,
    locale: rendered.locale,
    match: rendered.match,
    format: rendered.format,
    variables: templateVariables(template),
    ...(version === undefined ? {} : { version }),
  };
}
