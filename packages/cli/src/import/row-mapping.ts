import { createHash } from 'node:crypto';
import { ValidationError } from '@cx/core';
import { coerceCell, timestampCell } from './coerce';
import type { ImportKind } from './import-types';

/** Column names (compared case-insensitively, `_` optional) with a fixed meaning. */
const SPECIAL: Record<string, string> = {
  userid: 'userId',
  anonymousid: 'anonymousId',
  messageid: 'messageId',
  timestamp: 'timestamp',
  event: 'event',
  email: 'email',
  phone: 'phone',
};

/** How one CSV column maps onto a call. */
type Column = { kind: 'special'; field: string } | { kind: 'bag'; key: string } | { kind: 'ignored' };

/** The mapping of a CSV header, computed once per file. */
export interface CsvMapping {
  kind: ImportKind;
  columns: Column[];
}

/**
 * Reads a CSV header. Customers: `user_id`, `anonymous_id`, `email`, `phone`, `message_id`,
 * `timestamp`; any other column (or `traits.<name>`) is a trait. Events: `event`, `user_id`,
 * `anonymous_id`, `timestamp`, `message_id`; `properties.<name>` and any other column are
 * properties.
 *
 * @throws `ValidationError` when a required column is missing or a name repeats.
 */
export function csvMapping(header: readonly string[], kind: ImportKind): CsvMapping {
  const bagPrefix = kind === 'customers' ? 'traits.' : 'properties.';
  const seen = new Set<string>();
  const columns = header.map((raw, index): Column => {
    const name = raw.trim().replace(/^\uFEFF/, '');
    if (name === '') return { kind: 'ignored' };
    if (seen.has(name)) {
      throw new ValidationError(`CSV header repeats the column "${name}"`, [
        { path: `header[${index}]`, message: 'Duplicate column', code: 'duplicate_column' },
      ]);
    }
    seen.add(name);
    if (name.startsWith(bagPrefix)) return { kind: 'bag', key: name.slice(bagPrefix.length) };
    const special = SPECIAL[name.toLowerCase().replaceAll('_', '')];
    if (special === 'event' && kind === 'customers') return { kind: 'bag', key: name };
    if (special !== undefined) return { kind: 'special', field: special };
    return { kind: 'bag', key: name };
  });
  const fields = new Set(columns.flatMap((column) => (column.kind === 'special' ? [column.field] : [])));
  const required = kind === 'events' ? ['event'] : [];
  const ids = kind === 'events' ? ['userId', 'anonymousId'] : ['userId', 'anonymousId', 'email', 'phone'];
  const missing = [...required.filter((field) => !fields.has(field))];
  if (!ids.some((field) => fields.has(field))) missing.push(ids.join(' or '));
  if (missing.length > 0) {
    throw new ValidationError(`CSV header lacks ${missing.join(', ')} for ${kind}`, [
      { path: 'header', message: `Missing column: ${missing.join(', ')}`, code: 'missing_column' },
    ]);
  }
  return { kind, columns };
}

/** A `messageId` derived from the row's content, so importing the same file twice stores nothing twice. */
export function contentMessageId(kind: string, content: string): string {
  return `import-${createHash('sha256').update(kind).update('\0').update(content).digest('hex').slice(0, 32)}`;
}

/**
 * A stable anonymous id for a customer known only by email or phone, since every Segment call
 * needs `userId` or `anonymousId`. The same email always gives the same id.
 */
export function derivedAnonymousId(type: 'email' | 'phone', value: string): string {
  const normal = type === 'email' ? value.trim().toLowerCase() : value.replace(/[^\d+]/g, '');
  return `imp_${createHash('sha256').update(`${type}:${normal}`).digest('hex').slice(0, 24)}`;
}

/**
 * Turns one CSV record into a Segment call (`identify` for customers, `track` for events).
 *
 * @throws `ValidationError` when the row has the wrong number of cells or no identifier.
 */
export function csvRowToCall(mapping: CsvMapping, record: readonly string[]): Record<string, unknown> {
  if (record.length !== mapping.columns.length) {
    throw new ValidationError(`Row has ${record.length} cells; the header has ${mapping.columns.length}`, [
      { path: '', message: 'Wrong number of cells', code: 'invalid_field_length' },
    ]);
  }
  const fields: Record<string, string> = {};
  const bag: Record<string, unknown> = {};
  mapping.columns.forEach((column, index) => {
    const cell = record[index]!;
    if (column.kind === 'special') {
      if (cell.trim() !== '') fields[column.field] = cell.trim();
    } else if (column.kind === 'bag') {
      const value = coerceCell(cell);
      if (value !== undefined) bag[column.key] = value;
    }
  });
  const messageId = fields.messageId ?? contentMessageId(mapping.kind, JSON.stringify(record));
  const timestamp = fields.timestamp === undefined ? undefined : timestampCell(fields.timestamp);
  const common = {
    messageId,
    ...(fields.userId === undefined ? {} : { userId: fields.userId }),
    ...(fields.anonymousId === undefined ? {} : { anonymousId: fields.anonymousId }),
    ...(timestamp === undefined ? {} : { timestamp }),
  };
  if (mapping.kind === 'events') {
    return { type: 'track', event: fields.event ?? '', ...common, properties: bag };
  }
  const traits = {
    ...bag,
    ...(fields.email === undefined ? {} : { email: fields.email }),
    ...(fields.phone === undefined ? {} : { phone: fields.phone }),
  };
  if (common.userId === undefined && common.anonymousId === undefined) {
    const derived =
      fields.email !== undefined
        ? derivedAnonymousId('email', fields.email)
        : fields.phone !== undefined
          ? derivedAnonymousId('phone', fields.phone)
          : undefined;
    if (derived === undefined) {
      throw new ValidationError('Row has no user_id, anonymous_id, email or phone', [
        { path: 'userId', message: 'No identifier in this row', code: 'missing_identifier' },
      ]);
    }
    return { type: 'identify', ...common, anonymousId: derived, traits };
  }
  return { type: 'identify', ...common, traits };
}

/**
 * Turns one NDJSON line into a Segment call: the line is a call as sent to Segment; `type`
 * defaults to `identify` (customers) or `track` (events), and a `messageId` is derived from the
 * line when it has none.
 *
 * @throws `ValidationError` when the line is not a JSON object.
 */
export function ndjsonLineToCall(kind: ImportKind, line: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (error) {
    throw new ValidationError('Line is not valid JSON', [
      { path: '', message: String(error), code: 'invalid_json' },
    ]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ValidationError('Line must be a JSON object', [
      { path: '', message: 'Expected an object', code: 'invalid_type' },
    ]);
  }
  const call = parsed as Record<string, unknown>;
  return {
    ...call,
    type: call.type ?? (kind === 'customers' ? 'identify' : 'track'),
    messageId: call.messageId ?? contentMessageId(kind, line),
  };
}
