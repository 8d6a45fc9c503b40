import type { AssignmentResult } from '../assignment/assign';
import type { VariationDefinition } from './experiment-definition';

/** What a split-URL experiment asks the page to do. */
export interface RedirectDecision {
  redirect: boolean;
  /** The URL to show: the variation's, with the current query parameters carried over. */
  url: string;
}

const pathOf = (url: URL) => `${url.origin}${url.pathname.replace(/\/$/, '')}`;

/**
 * The redirect decision of a split-URL experiment: users assigned to a variation whose URL is
 * not the page they are on are sent there, keeping the current query parameters that the
 * variation URL does not set (as GrowthBook's `mergeQueryStrings`, so UTM tags survive). Users
 * not in the experiment, and users already on their variation's page, stay.
 *
 * @example
 * ```ts
 * splitUrlRedirect(result, 'https://shop.vn/landing?utm_source=zalo');
 * // { redirect: true, url: 'https://shop.vn/landing-b?utm_source=zalo' }
 * ```
 */
export function splitUrlRedirect(
  result: Pick<AssignmentResult<VariationDefinition>, 'inExperiment' | 'value'>,
  currentUrl: string,
): RedirectDecision {
  const target = result.value?.url;
  if (!result.inExperiment || target === undefined) return { redirect: false, url: currentUrl };
  let current: URL;
  let next: URL;
  try {
    current = new URL(currentUrl);
    next = new URL(target);
  } catch {
    return { redirect: false, url: currentUrl };
  }
  if (pathOf(current) === pathOf(next)) return { redirect: false, url: currentUrl };
  current.searchParams.forEach((value, key) => {
    if (!next.searchParams.has(key)) next.searchParams.set(key, value);
  });
  return { redirect: true, url: next.toString() };
}
