/**
 * `Retry-After` (seconds or an HTTP date) as ms from now, for every HTTP provider: FCM and most gateways
 * send it on 429/503; APNs does not, but a proxy in front of it may.
 *
 * @example
 * ```ts
 * retryAfterMs('30'); // 30000
 * ```
 */
export function retryAfterMs(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
