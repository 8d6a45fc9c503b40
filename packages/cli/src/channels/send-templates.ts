import type { Readable } from 'node:stream';
import { type ChannelKind, defineTemplate, type TemplateDefinition, type TemplateStore } from '@cx/channels';
import { ConfigError, isCxError, ValidationError } from '@cx/core';
import { readJsonInput } from './read-json-input';

/** The template of one channel of the chain, and where it came from (for the preview). */
export interface ChosenTemplate {
  /** A saved template's id (the store renders it), or a definition read from a file. */
  template: string | TemplateDefinition;
  /** The template's id, and the file it came from. */
  label: string;
}

/** True when a `--template` value names a file rather than a saved template. */
export const isTemplateFile = (value: string) => value.endsWith('.json') || /[/\\]/.test(value);

/** The definitions of a template file: one, or an array; each checked like a saved one. */
async function fromFile(file: string, stdin: Readable): Promise<TemplateDefinition[]> {
  const json = await readJsonInput(file, stdin);
  const list = Array.isArray(json) ? json : [json];
  return list.map((each, index) => {
    try {
      return defineTemplate(each as TemplateDefinition);
    } catch (error) {
      if (!isCxError(error, 'VALIDATION')) throw error;
      const where = Array.isArray(json) ? `${file} [${index}]` : file;
      const issues = (error as ValidationError).issues;
      throw new ValidationError(`${where}: ${error.message}`, issues, { cause: error });
    }
  });
}

/**
 * The template of each channel of the chain from the `--template` values: a saved template's id
 * or a template file (one definition or an array). Each template serves the channel it is for.
 *
 * @throws `ConfigError` when a channel of the chain has no template, two templates serve one
 * channel, or a template's channel is not in the chain; `ValidationError` (with every issue) for
 * an invalid template file; `NotFoundError` for an unknown saved template.
 * @example
 * ```ts
 * const chosen = await chooseTemplates(['otp-sms', './otp-email.json'], ['sms', 'email'], channels.templates, process.stdin);
 * ```
 */
export async function chooseTemplates(
  values: readonly string[],
  chain: readonly ChannelKind[],
  store: TemplateStore,
  stdin: Readable,
): Promise<Map<ChannelKind, ChosenTemplate>> {
  const chosen = new Map<ChannelKind, ChosenTemplate>();
  const add = (channel: ChannelKind, choice: ChosenTemplate) => {
    const taken = chosen.get(channel);
    if (taken) {
      throw new ConfigError(`two templates are for ${channel}: ${taken.label} and ${choice.label}`);
    }
    if (!chain.includes(channel)) {
      throw new ConfigError(
        `template ${choice.label} is for ${channel}, which is not in --channel ${chain.join(',')}`,
      );
    }
    chosen.set(channel, choice);
  };
  for (const value of values) {
    if (isTemplateFile(value)) {
      for (const definition of await fromFile(value, stdin)) {
        add(definition.channel, { template: definition, label: `${definition.id} (${value})` });
      }
    } else {
      const saved = await store.get(value);
      add(saved.channel, { template: value, label: value });
    }
  }
  const missing = chain.filter((channel) => !chosen.has(channel));
  if (missing.length > 0) {
    throw new ConfigError(
      `no template for ${missing.join(', ')}: give a --template for each channel of --channel`,
    );
  }
  return chosen;
}
