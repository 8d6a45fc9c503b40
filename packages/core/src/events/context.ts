import { z } from 'zod';

/**
 * The standard keys of a Segment Spec `context` object. Unknown keys are kept as sent, since
 * sources add their own.
 */
export const contextSchema = z.looseObject({
  active: z.boolean().optional(),
  app: z
    .looseObject({ name: z.string(), version: z.string(), build: z.string(), namespace: z.string() })
    .partial()
    .optional(),
  campaign: z
    .looseObject({
      name: z.string(),
      source: z.string(),
      medium: z.string(),
      term: z.string(),
      content: z.string(),
    })
    .partial()
    .optional(),
  channel: z.string().optional(),
  consent: z
    .looseObject({ categoryPreferences: z.record(z.string(), z.boolean()) })
    .partial()
    .optional(),
  device: z
    .looseObject({
      id: z.string(),
      advertisingId: z.string(),
      adTrackingEnabled: z.boolean(),
      manufacturer: z.string(),
      model: z.string(),
      name: z.string(),
      type: z.string(),
      token: z.string(),
    })
    .partial()
    .optional(),
  externalIds: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        type: z.string().min(1),
        collection: z.string().optional(),
        encoding: z.string().optional(),
      }),
    )
    .optional(),
  groupId: z.string().optional(),
  ip: z.string().optional(),
  library: z.looseObject({ name: z.string(), version: z.string() }).partial().optional(),
  locale: z.string().optional(),
  location: z
    .looseObject({
      city: z.string(),
      country: z.string(),
      latitude: z.number(),
      longitude: z.number(),
      region: z.string(),
      speed: z.number(),
    })
    .partial()
    .optional(),
  network: z
    .looseObject({ bluetooth: z.boolean(), carrier: z.string(), cellular: z.boolean(), wifi: z.boolean() })
    .partial()
    .optional(),
  os: z.looseObject({ name: z.string(), version: z.string() }).partial().optional(),
  page: z
    .looseObject({
      path: z.string(),
      referrer: z.string(),
      search: z.string(),
      title: z.string(),
      url: z.string(),
    })
    .partial()
    .optional(),
  referrer: z.looseObject({ id: z.string(), type: z.string() }).partial().optional(),
  screen: z.looseObject({ width: z.number(), height: z.number(), density: z.number() }).partial().optional(),
  timezone: z.string().optional(),
  traits: z.record(z.string(), z.unknown()).optional(),
  userAgent: z.string().optional(),
  userAgentData: z.record(z.string(), z.unknown()).optional(),
});

/** The `context` of a Segment Spec call. */
export type EventContext = z.infer<typeof contextSchema>;
