import { ProviderRejectedError, ProviderUnavailableError } from '../../errors/delivery-errors';
import { retryAfterMs } from './retry-after';

/** Options of {@link providerFetch}. */
export interface ProviderFetchOptions extends RequestInit {
  /** The adapter making the call, for its errors. */
  adapter: string;
  /** Gives up after this many ms (a {@link ProviderUnavailableError}); default 15 s. */
  timeoutMs?: number;
}

/**
 * `fetch` for provider APIs with a timeout: a network error or a timeout is a
 * {@link ProviderUnavailableError} (retry, then fail over); {@link expectOk} sorts the rest. Adapters that know their provider's error codes read the
 * response themselves before handing it to `expectOk`.
 */
export async function providerFetch(url: string, options: ProviderFetchOptions): Promise<Response> {
  const { adapter, timeoutMs = 15_000, signal, ...init } = options;
  // One controller and a plain timer: AbortSignal.timeout and AbortSignal.any cost several times
  // more per request, which shows at thousands of messages a second.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  const forward = () => controller.abort(signal?.reason);
  if (signal?.aborted) forward();
  else signal?.addEventListener('abort', forward, { once: true });
  try {
    const response = await fetch(url, { ...init, signal: controller.signal });
    return response;
  } catch (cause) {
    throw new ProviderUnavailableError({
      adapter,
      message: `could not reach ${new URL(url).host}: ${(cause as Error).message}`,
      cause,
    });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', forward);
  }
}

/** Throws the right {@link DeliveryError} for a response that is not 2xx; returns it otherwise. */
export async function expectOk(adapter: string, response: Response): Promise<Response> {
  if (response.ok) return response;
  const body = (await response.text().catch(() => '')).slice(0, 500);
  const message = `${response.status} ${response.statusText}${body ? `: ${body}` : ''}`;
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    const wait = retryAfterMs(response.headers.get('retry-after'));
    throw new ProviderUnavailableError({
      adapter,
      message,
      status: response.status,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  throw new ProviderRejectedError({ adapter, message, status: response.status });
}
