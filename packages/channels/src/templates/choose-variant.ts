import { ValidationError } from '@cx/core';
import { canonicalLocale, languageOf } from './locale-tag';
import type { TemplateContent, TemplateDefinition } from './template-definition';

/** How a variant was chosen: the exact locale, another of the same language, or the default. */
export type VariantMatch = 'exact' | 'language' | 'default';

/** The variant a render uses. */
export interface ChosenVariant {
  /** The variant's locale (a key of `variants`). */
  locale: string;
  content: TemplateContent;
  match: VariantMatch;
}

/**
 * Picks the variant for a person's locale: the exact locale (`vi-VN`), then the bare language
 * (`vi`), then another region of the language (`vi-VN` for `vi`, the first in tag order so the
 * choice is stable), then the template's `defaultLocale`. Tags are compared in canonical form, so
 * `vi_vn` finds `vi-VN`; no locale at all takes the default.
 *
 * Throws `ValidationError` when `locale` is not a language tag: guessing would send a Vietnamese
 * customer the wrong language without anyone noticing the bad profile data.
 *
 * @example
 * ```ts
 * chooseVariant(template, 'vi-VN'); // { locale: 'vi', match: 'language', content: … } when only `vi` exists
 * ```
 */
export function chooseVariant(
  template: Pick<TemplateDefinition, 'id' | 'defaultLocale' | 'variants'>,
  locale: string | undefined,
): ChosenVariant {
  const { variants } = template;
  if (locale !== undefined) {
    const wanted = canonicalLocale(locale);
    if (wanted === null) {
      throw new ValidationError(`template ${template.id}: ${JSON.stringify(locale)} is not a locale`, [
        { path: 'locale', message: 'not a BCP 47 language tag', code: 'invalid_locale' },
      ]);
    }
    const exact = variants[wanted];
    if (exact !== undefined && Object.hasOwn(variants, wanted)) {
      return { locale: wanted, content: exact, match: 'exact' };
    }
    const language = languageOf(wanted);
    if (language !== wanted && Object.hasOwn(variants, language)) {
      return { locale: language, content: variants[language] as TemplateContent, match: 'language' };
    }
    // Among other regions of the language the default is preferred: it is the variant its author
    // wrote first and checks most.
    if (languageOf(template.defaultLocale) === language)
      return { ...defaultVariant(template), match: 'language' };
    const sibling = Object.keys(variants)
      .filter((key) => languageOf(key) === language)
      .sort()[0];
    if (sibling !== undefined) {
      return { locale: sibling, content: variants[sibling] as TemplateContent, match: 'language' };
    }
  }
  return defaultVariant(template);
}

function defaultVariant(
  template: Pick<TemplateDefinition, 'id' | 'defaultLocale' | 'variants'>,
): ChosenVariant {
  const content = template.variants[template.defaultLocale];
  if (content === undefined || !Object.hasOwn(template.variants, template.defaultLocale)) {
    throw new ValidationError(
      `template ${template.id}: the default locale ${template.defaultLocale} has no variant`,
      [
        {
          path: `variants.${template.defaultLocale}`,
          message: 'the default locale has no variant',
          code: 'missing_field',
        },
      ],
    );
  }
  return { locale: template.defaultLocale, content, match: 'default' };
}
