/** `${attributeName}||${attributeValue}`: one sticky bucket document per identifier. */
export type StickyAttributeKey = string;
/** `${experimentKey}__${bucketVersion}`. */
export type StickyExperimentKey = string;

/**
 * The variations one identifier has been assigned, GrowthBook's `StickyAssignmentsDocument`:
 * the same shape, so documents can be shared with GrowthBook SDKs.
 */
export interface StickyAssignmentsDocument {
  attributeName: string;
  attributeValue: string;
  /** Variation key by sticky experiment key. */
  assignments: Record<StickyExperimentKey, string>;
}

/** GrowthBook's key of a sticky bucket document. */
export function stickyAttributeKey(attributeName: string, attributeValue: string): StickyAttributeKey {
  return `${attributeName}||${attributeValue}`;
}

/** GrowthBook's key of one experiment's entry in a sticky bucket document. */
export function stickyExperimentKey(experimentKey: string, bucketVersion?: number): StickyExperimentKey {
  return `${experimentKey}__${bucketVersion || 0}`;
}

/** GrowthBook's `toString` for attribute values: strings as they are, anything else as JSON. */
export function attributeValueString(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}
