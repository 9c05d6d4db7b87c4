import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';

export interface StartedProcess {
  child: ChildProcess;
  /** The first stdout JSON line that matched `isReady`. */
  readyLine: Record<string, unknown>;
  stop(): Promise<void>;
}

/**
 * Starts a Node process and waits until it prints a JSON line that `isReady` accepts.
 * Every output line is copied to `logPath`, so an operator can read what happened.
 */
export async function startNodeProcess(options: {
  name: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  logPath: string;
  isReady: (line: Record<string, unknown>) => boolean;
  timeoutMs?: number;
}): Promise<StartedProcess> {
  const log = createWriteStream(options.logPath, { flags: 'a' });
  const child = spawn(process.execPath, options.args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.pipe(log, { end: false });

  const readyLine = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${options.name} did not start within ${(options.timeoutMs ?? 20_000) / 1000} s; see ${options.logPath}`));
    }, options.timeoutMs ?? 20_000);

    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited with code ${code} before it was ready; see ${options.logPath}`));
    });

    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (options.isReady(parsed)) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve(parsed);
        }
      } catch {
        // Not every line is JSON; it is in the log either way.
      }
    });
  });

  return {
    child,
    readyLine,
    stop: () =>
      new Promise<void>((resolve) => {
        // A process that already ended (by exit or by a signal) emits no further 'exit'.
        if (child.exitCode !== null || child.signalCode !== null) {
          log.end();
          resolve();
          return;
        }
        child.once('exit', () => {
          log.end();
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Runs a Node script to completion and returns its stdout; rejects with its stderr on failure. */
export async function runNodeScript(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) {
    throw new Error(`${args.join(' ')} failed with code ${code}: ${stderr.trim()}`);
  }
  return stdout;
}
