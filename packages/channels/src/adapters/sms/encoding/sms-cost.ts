import { z } from 'zod';
import { parseAdapterOptions } from '../../shared/parse-adapter-options';
import { countSmsSegments, type SmsEncoding } from './sms-encoding';
import { stripVietnameseDiacritics } from './vietnamese-diacritics';

/** Options of {@link estimateSmsCost}. */
export interface SmsCostOptions {
  /** What the provider charges for one part, in `currency`. */
  pricePerSegment: number;
  /** ISO 4217 code (`VND`, `USD`). */
  currency: string;
  /** Estimates the text as sent with `stripDiacritics: true`. */
  stripDiacritics?: boolean;
}

/** What {@link estimateSmsCost} found. */
export interface SmsCostEstimate {
  encoding: SmsEncoding;
  segments: number;
  /** `segments × pricePerSegment`, rounded to 6 decimals so `0.1 × 3` reads `0.3`. */
  amount: number;
  currency: string;
}

const costOptionsSchema = z.object({
  pricePerSegment: z.number().finite().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as VND'),
  stripDiacritics: z.boolean().optional(),
});

/**
 * What sending `text` as one SMS costs: providers bill per part, and the part count depends on the
 * encoding (see `countSmsSegments`). An estimate: carriers may add their own fees.
 *
 * @throws `ConfigError` for a negative price or a currency that is not an ISO 4217 code.
 * @example
 * ```ts
 * estimateSmsCost('Đơn hàng đã được giao', { pricePerSegment: 850, currency: 'VND' });
 * // { encoding: 'UCS-2', segments: 1, amount: 850, currency: 'VND' }
 * ```
 */
export function estimateSmsCost(text: string, options: SmsCostOptions): SmsCostEstimate {
  const { pricePerSegment, currency, stripDiacritics } = parseAdapterOptions(
    costOptionsSchema,
    options,
    'estimateSmsCost',
  );
  const { encoding, segments } = countSmsSegments(stripDiacritics ? stripVietnameseDiacritics(text) : text);
  const amount = Math.round(segments * pricePerSegment * 1e6) / 1e6;
  return { encoding, segments, amount, currency };
}
