import type { ChannelKind, MessageContent, TemplateDefinition } from '@cx/channels';
import { parseOrThrow } from '@cx/core';
import { z } from 'zod';
import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { resolveProfileId } from '../profiles/profile-ref';
import { channelsOf, loadChannels } from './channels-service';
import { readJson } from './request-body';

/** Largest preview request, in bytes: an inline template with every locale's variant. */
export const MAX_PREVIEW_BYTES = 256 * 1024;

/** The body of `POST /v1/channels/preview`. */
export interface PreviewRequestBody {
  /** Whom to render for: `<type>:<value>` (`email:an@example.com`, not percent-encoded) or a profile id. */
  profile: string;
  channel: ChannelKind;
  /** A saved template's id, or a definition inline (for the template's channel). */
  template: string | TemplateDefinition;
  data?: Record<string, unknown>;
  event?: Record<string, unknown>;
  locale?: string;
}

/** The answer of `POST /v1/channels/preview`: the content as the person would get it. */
export interface PreviewResponseBody {
  content: MessageContent;
  /** The locale of the variant rendered. */
  locale: string;
}

let bodySchema: z.ZodType<PreviewRequestBody> | undefined;

async function previewSchema(): Promise<z.ZodType<PreviewRequestBody>> {
  if (bodySchema === undefined) {
    const { channelKindSchema, templateDefinitionSchema } = await loadChannels();
    bodySchema = z
      .strictObject({
        profile: z.string().min(1).max(2048),
        channel: channelKindSchema,
        template: z.union([z.string().min(1).max(128), templateDefinitionSchema]),
        data: z.record(z.string(), z.unknown()).optional(),
        event: z.record(z.string(), z.unknown()).optional(),
        locale: z.string().min(2).max(35).optional(),
      })
      .superRefine((body, context) => {
        if (typeof body.template === 'object' && body.template.channel !== body.channel) {
          context.addIssue({
            code: 'custom',
            path: ['template', 'channel'],
            message: `The template is for ${body.template.channel}, not ${body.channel}`,
          });
        }
      });
  }
  return bodySchema;
}

/**
 * `POST /v1/channels/preview`: renders a template for a person without sending anything. A
 * variable the person's data lacks is `400` with the `TemplateRenderError`'s issues (each with
 * its field and variable), as a send would refuse it.
 */
export async function previewRoute(
  request: CollectorRequest,
  options: ResolvedOptions,
  workspaceId: string,
): Promise<CollectorResponse> {
  const service = await channelsOf(options, workspaceId);
  const body = parseOrThrow(
    await previewSchema(),
    await readJson(request, 'Preview request', MAX_PREVIEW_BYTES),
    'preview request',
  );
  // The Profile API's reference parser decodes percent-encoding; a JSON body has none to decode.
  const profileId = await resolveProfileId(options.identity, workspaceId, encodeURIComponent(body.profile));
  const preview = await service.preview({
    profileId,
    channel: body.channel,
    template: body.template,
    ...(body.data === undefined ? {} : { data: body.data }),
    ...(body.event === undefined ? {} : { event: body.event }),
    ...(body.locale === undefined ? {} : { locale: body.locale }),
  });
  return jsonResponse(200, preview satisfies PreviewResponseBody);
}
