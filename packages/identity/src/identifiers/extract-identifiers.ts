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

/** Shared by every event that refuses nothing; never written to. */
const NONE: RefusedValue[] = [];

/** Adds a refusal to the list, creating it on the first one. */
const refuse = (refused: RefusedValue[], value: RefusedValue) => {
  const out = refused === NONE ? [] : refused;
  out.push(value);
  return out;
};

/**
 * Adds one raw value of `type` to `found` (or to the refused list, which it returns, created on
 * the first refusal). A plain function rather than a closure: this runs for every event.
 */
function consider(
  config: IdentityConfig,
  type: string,
  raw: unknown,
  found: FoundIdentifier[],
  refused: RefusedValue[],
): RefusedValue[] {
  if (raw === undefined || raw === null) return refused;
  const rawText = describe(raw);
  if (config.blocked.has(rawText.trim().toLowerCase())) {
    return refuse(refused, { type, value: rawText, rule: 'blocked-value' });
  }
  const value = normalizeIdentifierValue(raw, config.types.get(type)!, config.phoneRegion);
  if (value === null) return refuse(refused, { type, value: rawText, rule: 'invalid-value' });
  // An unchanged value was checked just above.
  if (value !== rawText && config.blocked.has(value.toLowerCase())) {
    return refuse(refused, { type, value, rule: 'blocked-value' });
  }
  const key = `${type}:${value}`;
  for (const other of found) if (other.key === key) return refused;
  found.push({ type, value, key, rank: config.rank.get(type) ?? config.rank.size });
  return refused;
}

/**
 * Reads the configured identifier types from an event, normalises them and drops blocked or
 * malformed values. O(configured types) per event.
 */
export function extractIdentifiers(event: CxEvent, config: IdentityConfig): ExtractedIdentifiers {
  const found: FoundIdentifier[] = [];
  let refused = NONE;
  const traits = event.type === 'identify' ? event.traits : undefined;
  const contextTraits = event.context?.traits;
  const externalIds = event.context?.externalIds;

  for (const t of config.identifierTypes) {
    switch (t.source) {
      case 'userId':
        refused = consider(config, t.type, event.userId, found, refused);
        break;
      case 'anonymousId':
        refused = consider(config, t.type, event.anonymousId, found, refused);
        break;
      case 'trait': {
        const name = t.key ?? t.type;
        if (traits === undefined && contextTraits === undefined) break;
        refused = consider(config, t.type, traits?.[name] ?? contextTraits?.[name], found, refused);
        break;
      }
      case 'externalId': {
        const name = t.key ?? t.type;
        for (const external of externalIds ?? []) {
          if (external.type === name) refused = consider(config, t.type, external.id, found, refused);
        }
        break;
      }
    }
  }
  // Stable sort: equal ranks keep reading order, so demotion drops the later of two equals.
  if (found.length > 1) found.sort((a, b) => a.rank - b.rank);
  if (event.type === 'alias') {
    const previous = event.previousId.trim();
    if (config.blocked.has(previous.toLowerCase()) || previous.length === 0) {
      if (refused === NONE) refused = [];
      refused.push({ type: 'user_id', value: event.previousId, rule: 'blocked-value' });
    } else return { identifiers: found, refused, aliasPrevious: previous };
  }
  return { identifiers: found, refused };
}
