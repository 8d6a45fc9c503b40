import { isCxError, memoryStorage } from '@cx/core';
import { describe, expect, it } from 'vitest';
import {
  createTemplateRenderer,
  createTemplateStore,
  renderPreview,
  TEMPLATES_COLLECTION,
  type TemplateDefinition,
} from '../../src/templates';
import { lanScope, viewedProductEmail, welcomeEmail } from './fixtures';

const NBSP = '\u00a0';

function setup() {
  const storage = memoryStorage();
  const workspaceId = `ws-${Math.random().toString(36).slice(2)}`;
  return { storage, workspaceId, templates: createTemplateStore({ storage, workspaceId }) };
}

describe('createTemplateStore', () => {
  it('saves, reads, lists and removes templates, bumping the version on every save', async () => {
    const { templates } = setup();
    const first = await templates.save(viewedProductEmail);
    expect(first).toMatchObject({ ...viewedProductEmail, version: 1 });
    expect(typeof first.updatedAt).toBe('string');

    // A stored template can be saved back as is; its version fields are metadata.
    const second = await templates.save({ ...first, name: 'Renamed' });
    expect(second).toMatchObject({ id: 'viewed-product', name: 'Renamed', version: 2 });
    expect(await templates.get('viewed-product')).toEqual(second);

    await templates.save(welcomeEmail);
    expect((await templates.list()).map((template) => [template.id, template.version])).toEqual([
      ['viewed-product', 2],
      ['welcome-email', 1],
    ]);

    expect(await templates.remove('welcome-email')).toBe(true);
    expect(await templates.remove('welcome-email')).toBe(false);
    expect(await templates.find('welcome-email')).toBeNull();
    await expect(templates.get('welcome-email')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps the definition as plain JSON in the channels.templates collection', async () => {
    const { storage, workspaceId, templates } = setup();
    await templates.save(welcomeEmail);
    const document = await storage.documents.get(workspaceId, TEMPLATES_COLLECTION, 'welcome-email');
    expect(document?.value).toEqual(welcomeEmail);
  });

  it('refuses an invalid definition with every problem, and stores nothing', async () => {
    const { templates } = setup();
    const broken: TemplateDefinition = {
      ...welcomeEmail,
      variants: {
        'vi-VN': { subject: 'Chào {{ profile.traits.firstName', text: '{% for x in data.items %}' },
      },
    };
    await expect(templates.save(broken)).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [
        { path: 'variants.vi-VN.subject', code: 'liquid_syntax' },
        { path: 'variants.vi-VN.text', code: 'liquid_syntax' },
      ],
    });
    expect(await templates.list()).toEqual([]);
  });

  it('saves only over the expected version when one is given', async () => {
    const { templates } = setup();
    await templates.save(welcomeEmail, { expectedVersion: 0 });
    const error = await templates
      .save(welcomeEmail, { expectedVersion: 0 })
      .catch((caught: unknown) => caught);
    expect(isCxError(error, 'CONFLICT')).toBe(true);
    expect((await templates.save(welcomeEmail, { expectedVersion: 1 })).version).toBe(2);
  });

  it('needs storage and a workspace, and a template id', async () => {
    const { storage, templates } = setup();
    expect(() => createTemplateStore({ storage, workspaceId: '' })).toThrow(
      expect.objectContaining({ code: 'CONFIG' }),
    );
    await expect(templates.get('')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('renderPreview', () => {
  const renderer = createTemplateRenderer({ locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' });

  it('renders a saved template with the variant, formats, variables and version used', async () => {
    const { templates } = setup();
    await templates.save(viewedProductEmail);
    await templates.save(viewedProductEmail);
    const preview = await renderPreview({
      store: templates,
      templateId: 'viewed-product',
      scope: lanScope(),
      locale: 'vi-VN',
      renderer,
    });
    expect(preview).toMatchObject({
      locale: 'vi-VN',
      match: 'exact',
      version: 2,
      format: { locale: 'vi-VN', currency: 'VND', timezone: 'Asia/Ho_Chi_Minh' },
      variables: [
        'data.pointsExpireAt',
        'event.properties.price',
        'event.properties.productName',
        'message.links.unsubscribe',
        'profile.traits.firstName',
        'profile.traits.loyaltyPoints',
      ],
    });
    expect(preview.content.subject).toBe('Lan ơi, Áo dài lụa vẫn chờ bạn');
    expect(preview.content.text).toContain(`1.990.000${NBSP}₫`);
  });

  it('renders an unsaved draft, validating it first', async () => {
    const preview = await renderPreview({
      template: welcomeEmail,
      scope: lanScope({ data: { coupon: 'TET' }, event: { properties: { source: 'app' } } }),
      renderer,
    });
    expect(preview.content.subject).toBe('Chào Lan');
    expect(preview.version).toBeUndefined();
    await expect(
      renderPreview({
        template: { ...welcomeEmail, variants: { 'vi-VN': { subject: '{{', text: 'x' } } },
        scope: lanScope(),
      }),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
      issues: [{ path: 'variants.vi-VN.subject', code: 'liquid_syntax' }],
    });
  });

  it('fails like a send would: missing template, missing variables', async () => {
    const { templates } = setup();
    await expect(
      renderPreview({ store: templates, templateId: 'nope', scope: lanScope() }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(renderPreview({ template: welcomeEmail, scope: lanScope() })).rejects.toMatchObject({
      code: 'VALIDATION',
      template: 'welcome-email',
      variable: 'data.coupon',
    });
  });
});
