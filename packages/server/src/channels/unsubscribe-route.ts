import type { CollectorRequest, CollectorResponse } from '../http/collector-http';
import { jsonResponse } from '../http/collector-http';
import type { ResolvedOptions } from '../options';
import { linkFailure } from './channel-errors';
import { serviceForToken } from './channels-service';
import { confirmUnsubscribePage, htmlResponse, unsubscribedPage, unsubscribeScope } from './html-pages';
import { prefersJson, skipBody } from './request-body';

/** The JSON answer of `POST /v1/channels/unsubscribe/<token>` with `Accept: application/json`. */
export interface UnsubscribedBody {
  unsubscribed: true;
  channel: string;
  /** The topic left, when the link was for one; otherwise all marketing on the channel. */
  topic?: string;
}

/**
 * `GET|POST /v1/channels/unsubscribe/<token>`. `GET` verifies the link and shows a confirmation
 * page with a button, and changes nothing: mail scanners and link previews fetch every link in a
 * message. `POST` is the RFC 8058 one-click (`List-Unsubscribe=One-Click`, sent by the mail
 * client) and the button's form alike: it unsubscribes (the link's topic, or the channel's
 * marketing) and records `Message Unsubscribed`. The body's content does not matter: the signed
 * token is the credential, and only a `POST` acts.
 */
export async function unsubscribeRoute(
  request: CollectorRequest,
  token: string,
  options: ResolvedOptions,
): Promise<CollectorResponse> {
  try {
    const { service, links } = await serviceForToken(options, token);
    const topicName = (topic: string | undefined) =>
      topic === undefined ? undefined : (service.topics.find((each) => each.id === topic)?.name ?? topic);
    if (request.method === 'GET') {
      const link = links.readUnsubscribe(token);
      const scope = unsubscribeScope(link.c, topicName(link.t));
      return htmlResponse(200, confirmUnsubscribePage(scope, links.preferencesUrl(link.p)));
    }
    await skipBody(request, 'Unsubscribe request');
    const done = await service.unsubscribe(token, 'one-click');
    if (prefersJson(request)) {
      const body: UnsubscribedBody = {
        unsubscribed: true,
        channel: done.channel,
        ...(done.topic === undefined ? {} : { topic: done.topic }),
      };
      return jsonResponse(200, body, { 'cache-control': 'no-store' });
    }
    const scope = unsubscribeScope(done.channel, topicName(done.topic));
    return htmlResponse(200, unsubscribedPage(scope, links.preferencesUrl(done.profileId)));
  } catch (error) {
    return linkFailure(error, request, options);
  }
}
