import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'testing/index': 'src/testing/index.ts',
    'email/index': 'src/adapters/email/index.ts',
    'sms/index': 'src/adapters/sms/index.ts',
    'zalo/index': 'src/adapters/zalo/index.ts',
    'web-push/index': 'src/adapters/web-push/index.ts',
    'mobile-push/index': 'src/adapters/mobile-push/index.ts',
    'webhook/index': 'src/adapters/webhook/index.ts',
    'in-app/index': 'src/adapters/in-app/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  external: ['nodemailer', 'web-push', 'vitest'],
});
