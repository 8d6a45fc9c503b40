import { isDeliveryError, ProviderUnavailableError } from '../../errors/delivery-errors';

/** A token, with the refresh generation it was read in. */
export interface ZnsToken {
  token: string;
  generation: number;
}

/** Where the ZNS adapter gets its access token, and how it replaces one Zalo refused. */
export interface ZnsAccessToken {
  get(): Promise<ZnsToken>;
  readonly canRefresh: boolean;
  /** A token to retry with after `seen` was refused; refreshes only if nobody has since. */
  refreshAfter(seen: ZnsToken): Promise<string>;
}

/**
 * Holds the access token. Zalo refresh tokens are single-use, so concurrent sends that all meet
 * -124 share one call to `refresh`, and a send whose token was already replaced by another send's
 * refresh retries with the new token instead of refreshing again.
 *
 * A fixed `accessToken` string is replaced by the refreshed token for later sends; a function is
 * asked again on each send (it reads your token store, which your refresh hook updates).
 *
 * @example
 * ```ts
 * const tokens = znsAccessToken('zns', 'initial-token', () => refreshFromZalo());
 * const { token } = await tokens.get();
 * ```
 */
export function znsAccessToken(
  adapter: string,
  source: string | (() => Promise<string>),
  refresh: (() => Promise<string>) | undefined,
): ZnsAccessToken {
  let generation = 0;
  let latest: string | undefined;
  let refreshing: Promise<string> | undefined;

  const usable = (token: unknown, from: string): string => {
    if (typeof token === 'string' && token.length > 0) return token;
    throw new ProviderUnavailableError({ adapter, message: `${from} gave no access token` });
  };

  return {
    canRefresh: refresh !== undefined,
    async get() {
      const seen = generation;
      if (typeof source === 'string') return { token: latest ?? source, generation: seen };
      return { token: usable(await source(), 'accessToken()'), generation: seen };
    },
    refreshAfter(seen) {
      if (generation > seen.generation && latest !== undefined && latest !== seen.token) {
        return Promise.resolve(latest);
      }
      if (!refresh) return Promise.reject(new Error('no refreshAccessToken hook'));
      if (!refreshing) {
        const run = async () => {
          try {
            const token = usable(await refresh(), 'refreshAccessToken()');
            latest = token;
            generation += 1;
            return token;
          } catch (cause) {
            if (isDeliveryError(cause)) throw cause;
            // The refresh call may fail for a moment (network) or for good (a revoked refresh
            // token); only the first heals by waiting, and a bounded retry costs little either way.
            throw new ProviderUnavailableError({
              adapter,
              message: `refreshing the access token failed: ${(cause as Error)?.message ?? String(cause)}`,
              cause,
            });
          }
        };
        // Cleared in a later tick, so a hook that throws at once cannot leave a stale promise here.
        refreshing = run().finally(() => {
          refreshing = undefined;
        });
      }
      return refreshing;
    },
  };
}
