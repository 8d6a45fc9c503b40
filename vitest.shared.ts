import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings: tests resolve workspace packages to their TypeScript
 * source through the `@cx/source` export condition, so no build is needed first.
 */
export default defineConfig({
  resolve: { conditions: ['@cx/source', ...defaultServerConditions] },
  ssr: { resolve: { conditions: ['@cx/source', ...defaultServerConditions] } },
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
