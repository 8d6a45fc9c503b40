import { escapeHtml, htmlPage } from './html-pages';
import type { PreferenceGroup } from './preference-form';

/**
 * The preference page: one fieldset per group, a checkbox per choice, and a save button. Each box
 * follows a hidden `0` of its name, so an unticked box is sent too (see `formChanges`). The form
 * posts to the page's own URL, which carries the token.
 */
export function preferencePage(groups: readonly PreferenceGroup[], saved: boolean): string {
  const fieldsets = groups.map((group) => {
    const boxes = group.fields.map((field) => {
      const name = escapeHtml(field.name);
      return [
        `<input type="hidden" name="${name}" value="0">`,
        `<label><input type="checkbox" name="${name}" value="1"${field.checked ? ' checked' : ''}> ${escapeHtml(field.label)}</label>`,
      ].join('');
    });
    const description =
      group.description === undefined ? '' : `<p class="hint">${escapeHtml(group.description)}</p>`;
    return `<fieldset><legend>${escapeHtml(group.title)}</legend>${description}${boxes.join('\n')}</fieldset>`;
  });
  return htmlPage(
    'Your message preferences',
    [
      '<h1>Your message preferences</h1>',
      saved ? '<p class="note" role="status">Your preferences are saved.</p>' : '',
      '<form method="post">',
      ...fieldsets,
      '<button type="submit">Save preferences</button>',
      '</form>',
    ].join('\n'),
  );
}
