import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    // Both builds share dist/: this one must not wipe the executable the other one writes.
    clean: ['!cli.js', '!cli.js.map'],
    sourcemap: true,
    target: 'node20',
  },
  {
    // The executable: ESM only (top-level await), with a shebang so `cx` runs directly.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    // One self-contained file, so the other build's clean can never remove a chunk of it.
    splitting: false,
    sourcemap: true,
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
  },
]);
