/**
 * For the command line's tests: run the lab's CLI (or any Node entry point) as a real process
 * from the repository root and collect its exit code and streams.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `env` is laid over the test's own environment; DEBUG is cleared so no library writes to stderr. */
export function spawnNode(nodeArgs: string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgs, { cwd: ROOT, env: { ...process.env, DEBUG: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run lab -- …`, without npm in between. */
export function spawnLab(args: string[], env: Record<string, string> = {}): Promise<Exit> {
  return spawnNode(['--import', 'tsx', 'scripts/lab.ts', ...args], env);
}

/**
 * The CLI's `main` called in this process, its stdout and stderr captured: for the cases that
 * fail before any Postgres starts (argument errors), where a process each would cost a second of
 * start-up for a few milliseconds of work. One call at a time (it borrows the process' streams).
 */
export async function labInProcess(args: string[]): Promise<Exit> {
  const { main } = await import('./main');
  const captured = { stdout: '', stderr: '' };
  const writes = { stdout: process.stdout.write, stderr: process.stderr.write };
  const capture = (stream: 'stdout' | 'stderr') =>
    ((chunk: string | Uint8Array) => {
      captured[stream] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
      return true;
    }) as typeof process.stdout.write;
  process.stdout.write = capture('stdout');
  process.stderr.write = capture('stderr');
  try {
    const code = await main(args);
    return { code, ...captured };
  } finally {
    process.stdout.write = writes.stdout;
    process.stderr.write = writes.stderr;
  }
}
