// Loads every publishable package's built output, both as ESM (import) and CJS (require),
// through its package.json "exports", the way an installed copy would be loaded.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
let failures = 0;
for (const dir of readdirSync(path.join(root, 'packages'))) {
  const pkgDir = path.join(root, 'packages', dir);
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (typeof target !== 'object' || !target.import) continue;
    // The conformance suite registers tests with vitest as it loads; it only runs inside vitest.
    if (subpath === './testing') continue;
    const esm = path.join(pkgDir, target.import.default);
    const cjs = path.join(pkgDir, target.require.default);
    try {
      const fromEsm = await import(pathToFileURL(esm).href);
      const fromCjs = createRequire(path.join(pkgDir, 'package.json'))(cjs);
      const esmKeys = Object.keys(fromEsm)
        .filter((k) => k !== 'default')
        .sort()
        .join();
      const cjsKeys = Object.keys(fromCjs).sort().join();
      if (esmKeys !== cjsKeys) throw new Error(`ESM and CJS exports differ:\n  ${esmKeys}\n  ${cjsKeys}`);
      console.log(
        `ok   ${pkg.name}${subpath === '.' ? '' : subpath.slice(1)} (${esmKeys.split(',').length} exports)`,
      );
    } catch (error) {
      failures++;
      console.error(`FAIL ${pkg.name}${subpath.slice(1)}: ${error instanceof Error ? error.message : error}`);
    }
  }
}
process.exit(failures === 0 ? 0 : 1);
