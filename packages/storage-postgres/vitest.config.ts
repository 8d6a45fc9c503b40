import { defineConfig, mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared';

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Creates a fresh database for the run and drops it afterwards.
      globalSetup: ['test/global-setup.ts'],
    },
  }),
);
