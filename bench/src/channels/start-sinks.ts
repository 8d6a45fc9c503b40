import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The sink process of the dispatch benchmarks, and the ports it listens on. */
export interface Sinks {
  smtpPort: number;
  httpUrl: string;
  stop(): Promise<void>;
}

/** Starts `sink-process.ts` in a child process and waits for its ports. */
export async function startSinks(): Promise<Sinks> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./sink-process.ts', import.meta.url))],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const ports = await new Promise<{ smtp: number; http: number }>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.once('data', (chunk: Buffer) => resolve(JSON.parse(chunk.toString())));
  });
  return {
    smtpPort: ports.smtp,
    httpUrl: `http://127.0.0.1:${ports.http}/v1/messages`,
    stop: () =>
      new Promise((resolve) => {
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
