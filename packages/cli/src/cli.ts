import { runCli } from './run-cli';

/*
 * The `cx` executable: SIGINT/SIGTERM abort the running command (so `cx serve` closes its
 * server and storage) and the command's result becomes the exit code.
 */
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
