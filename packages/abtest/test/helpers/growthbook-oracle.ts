import { createRequire } from 'node:module';
import path from 'node:path';

/*
 * GrowthBook's primitives are not exported from the package entry, so the oracle loads the
 * SDK's own compiled util module by file path (the published dist/cjs/util.js of the installed
 * @growthbook/growthbook devDependency).
 */
const require = createRequire(import.meta.url);
const root = path.dirname(require.resolve('@growthbook/growthbook/package.json'));

export interface GrowthBookUtil {
  hash(seed: string, value: string, version: number): number | null;
  getBucketRanges(n: number, coverage: number | undefined, weights?: number[]): [number, number][];
  chooseVariation(n: number, ranges: [number, number][]): number;
  inNamespace(hashValue: string, namespace: [string, number, number]): boolean;
  getEqualWeights(n: number): number[];
  paddedVersionString(input: unknown): string;
}

export const gbUtil = require(path.join(root, 'dist/cjs/util.js')) as GrowthBookUtil;
