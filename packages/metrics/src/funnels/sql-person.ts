import type { PersonKey } from '../events/person-key';

/** The SQL expression of the person key (see `personKeySchema`); the same text in both dialects. */
export function personKeyExpression(key: PersonKey): string {
  switch (key) {
    case 'profile':
      return `COALESCE(profile_id, body ->> 'userId', body ->> 'anonymousId')`;
    case 'user':
      return `COALESCE(body ->> 'userId', body ->> 'anonymousId')`;
    case 'anonymous':
      return `COALESCE(body ->> 'anonymousId', body ->> 'userId')`;
  }
}
