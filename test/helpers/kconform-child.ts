/**
 * The kconform CLI as a child process, for suites that test a long-running command from the
 * outside (what it prints, when it exits, with which code).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '..', '..', 'app', 'cli', 'main.ts');

/** A running `kconform …`. */
export interface KconformChild extends AsyncDisposable {
  readonly child: ChildProcess;
  /** stdout so far. */
  stdout(): string;
  /** stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr; rejects after `timeoutMs` or when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** The exit code (or 128+signal number style: null code with a signal gives -1). */
  readonly exited: Promise<number>;
}

/** Starts `kconform ARGS`; disposing it SIGKILLs the process if it is still running. */
export function startKconform(args: readonly string[], env: NodeJS.ProcessEnv = process.env): KconformChild {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((l) => l());
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
    changed();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
    changed();
  });
  let done = false;
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code) => {
      done = true;
      changed();
      resolve(code ?? -1);
    }),
  );
  const waitFor = (pattern: RegExp, timeoutMs = 60_000) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const m = (out + '\n' + err).match(pattern);
        if (m) return finish(() => resolve(m));
        if (done) return finish(() => reject(new Error(`kconform exited before printing ${pattern}:\n${out}\n${err}`)));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${out}\n${err}`))), timeoutMs);
      const finish = (then: () => void) => {
        clearTimeout(timer);
        listeners.delete(check);
        then();
      };
      listeners.add(check);
      check();
    });
  const dispose = async () => {
    if (!done) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return { child, stdout: () => out, stderr: () => err, waitFor, exited, [Symbol.asyncDispose]: dispose };
}
