export { type CheckTemplateOptions, checkTemplate } from './check-template';
export { type ChosenVariant, chooseVariant, type VariantMatch } from './choose-variant';
export { createFormatterCache, type FormatterCache } from './formatter-cache';
export {
  FilterInputError,
  FORMAT_REGISTER,
  type FormatSettings,
  LOCALE_FILTER_NAMES,
  localeFilters,
} from './locale-filters';
export {
  type PreviewSource,
  type RenderPreviewOptions,
  renderPreview,
  type TemplatePreview,
} from './render-preview';
export {
  CHANNEL_TEMPLATE_REQUIREMENTS,
  defineTemplate,
  TEMPLATE_TEXT_FIELDS,
  type TemplateContent,
  type TemplateDefinition,
  templateContentSchema,
  templateDefinitionJsonSchema,
  templateDefinitionSchema,
} from './template-definition';
export {
  TEMPLATE_ISSUE_CODES,
  type TemplateIssue,
  type TemplateIssueCode,
  TemplateRenderError,
  type TemplateRenderErrorOptions,
} from './template-render-error';
export {
  createTemplateRenderer,
  type RenderedTemplate,
  type TemplateEvent,
  type TemplateRenderer,
  type TemplateRendererOptions,
  type TemplateRendererStats,
  type TemplateRenderOptions,
  type TemplateScope,
} from './template-renderer';
export {
  createTemplateStore,
  type SaveTemplateOptions,
  type StoredTemplate,
  TEMPLATES_COLLECTION,
  type TemplateStore,
  type TemplateStoreOptions,
} from './template-store';
export { templateVariables } from './template-variables';
