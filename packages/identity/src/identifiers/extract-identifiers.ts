import type { CxEvent, Identifier } from '@cx/core';
import type { IdentityConfig } from '../config/identity-config';
import { normalizeIdentifierValue } from './normalize-identifier';

/** An identifier found in an event, with the key used in lookups and its trust rank. */
export interface FoundIdentifier extends Identifier {
  /** `type:value`, as in `ProfileStore.lookupIdentifiers`. */
  key: string;
  /** 0 is most trusted. */
  rank: number;
}

/** A value that was present in an event but refused as an identifier, and why. */
export interface RefusedValue {
  type: string;
  value: string;
  rule: 'blocked-value' | 'invalid-value';
}

/** What {@link extractIdentifiers} found. */
export interface ExtractedIdentifiers {
  /** Usable identifiers, most trusted first; ties keep the order they were read in. */
  identifiers: FoundIdentifier[];
  refused: RefusedValue[];
  /** An `alias` call's `previousId`, typed once the store says whether it is a known user id. */
  aliasPrevious?: string;
}

const describe = (raw: unknown) => (typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw)));

/**
 * Reads the configured identifier types from an event, normalises them and drops blocked or
 * malformed values. O(configured types) per event.
 */
export function extractIdentifiers(event: CxEvent, config: IdentityConfig): ExtractedIdentifiers {
  const found: FoundIdentifier[] = [];
  const refused: RefusedValue[] = [];
  const seen = new Set<string>();
  const traits = event.type === 'identify' ? event.traits : undefined;
  const contextTraits = event.context?.traits;
  const externalIds = event.context?.externalIds;

  const consider = (type: string, raw: unknown) => {
    if (raw === undefined || raw === null) return;
    const typeConfig = config.types.get(type)!;
    const rawText = describe(raw);
    if (config.blocked.has(rawText.trim().toLowerCase())) {
      refused.push({ type, value: rawText, rule: 'blocked-value' });
      return;
    }
    const value = normalizeIdentifierValue(raw, typeConfig, config.phoneRegion);
    if (value === null) {
      refused.push({ type, value: rawText, rule: 'invalid-value' });
      return;
    }
    if (config.blocked.has(value.toLowerCase())) {
      refused.push({ type, value, rule: 'blocked-value' });
      return;
    }
    const key = `${type}:${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    found.push({ type, value, key, rank: config.rank.get(type) ?? config.rank.size });
  };

  for (const t of config.identifierTypes) {
    const name = t.key ?? t.type;
    switch (t.source) {
      case 'userId':
        consider(t.type, event.userId);
        break;
      case 'anonymousId':
        consider(t.type, event.anonymousId);
        break;
      case 'trait':
        consider(t.type, traits?.[name] ?? contextTraits?.[name]);
        break;
      case 'externalId':
        for (const external of externalIds ?? []) if (external.type === name) consider(t.type, external.id);
        break;
    }
  }
  // Stable sort: equal ranks keep reading order, so demotion drops the later of two equals.
  found.sort((a, b) => a.rank - b.rank);
  const result: ExtractedIdentifiers = { identifiers: found, refused };
  if (event.type === 'alias') {
    const previous = event.previousId.trim();
    if (config.blocked.has(previous.toLowerCase()) || previous.length === 0) {
      refused.push({ type: 'user_id', value: event.previousId, rule: 'blocked-value' });
    } else result.aliasPrevious = previous;
  }
  return result;
}
