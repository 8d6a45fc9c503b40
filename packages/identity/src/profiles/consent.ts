import { type ConsentState, laterOf } from './profile-state';

/**
 * Applies the `context.consent.categoryPreferences` of one event: the latest event wins per
 * category, and a later signal also settles a `conflict`. Returns `undefined` when nothing changed.
 */
export function applyConsent(
  current: Record<string, ConsentState>,
  preferences: Record<string, boolean>,
  at: string,
): Record<string, ConsentState> | undefined {
  let next: Record<string, ConsentState> | undefined;
  for (const [category, value] of Object.entries(preferences)) {
    const existing = current[category];
    // An equal value does not move the time forward: that would cost a write per event for
    // sources that send consent on every call.
    if (existing !== undefined && (existing.at > at || existing.value === value)) continue;
    next ??= { ...current };
    next[category] = { value, at };
  }
  return next;
}

/**
 * Consent of two merged profiles: categories only one has are kept; where both have a value
 * and they disagree the category becomes `conflict` until a newer signal settles it, because
 * neither person's choice may be assumed for the other.
 */
export function mergeConsent(
  into: Record<string, ConsentState>,
  from: Record<string, ConsentState>,
): Record<string, ConsentState> {
  const out: Record<string, ConsentState> = { ...into };
  for (const [category, theirs] of Object.entries(from)) {
    const ours = out[category];
    if (ours === undefined) out[category] = theirs;
    else if (ours.value !== theirs.value) {
      out[category] = { value: 'conflict', at: laterOf(ours.at, theirs.at) };
    }
  }
  return out;
}
