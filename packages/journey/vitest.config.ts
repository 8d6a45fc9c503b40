import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Creates a fresh Postgres database for the run (the multi-process runtime tests) and drops it afterwards.
      globalSetup: ['test/global-setup.ts'],
    },
  }),
);
