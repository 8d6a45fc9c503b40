import { spawn } from 'node:child_process';

/** How a child process ended and what it printed. */
export interface ChildOutcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Its stdout, line by line. */
  lines: string[];
  stderr: string;
}

/**
 * Runs a TypeScript script of an adapter's tests as a separate Node process (through `tsx`, with
 * workspace packages resolved to source via the `@cx/source` condition), passing `options` as
 * JSON in its first argument, and resolves when it exits, however it exits.
 */
export function runChild(script: string, options: unknown, cwd: string): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--conditions=@cx/source', '--import', 'tsx', script, JSON.stringify(options)],
      { cwd, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, lines: stdout.split('\n').filter((line) => line !== ''), stderr }),
    );
  });
}
