/** Running `ip`, `iptables-restore` and `nft` and turning a failure into an error that shows the command and its stderr. */
import { spawn } from 'node:child_process';

/** A network tool exited non-zero (or could not be started). */
export class NetnsCommandError extends Error {
  readonly command: readonly string[];
  readonly stderr: string;

  constructor(command: readonly string[], why: string, stderr: string) {
    super(`${command.join(' ')}: ${why}${stderr ? `: ${stderr.trim()}` : ''}`);
    this.name = 'NetnsCommandError';
    this.command = command;
    this.stderr = stderr;
  }
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Written to stdin, which is then closed. */
  input?: string;
  /** Killed and rejected after this long; default 20 s (these tools finish in milliseconds). */
  timeoutMs?: number;
}

/** Runs `bin args…` to completion and resolves with its stdout. */
export function runTool(bin: string, args: readonly string[], opts: RunToolOptions = {}): Promise<string> {
  const command = [bin, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new NetnsCommandError(command, e.message, ''));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString('utf8');
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new NetnsCommandError(command, signal ? `killed by ${signal}` : `exit code ${code}`, stderr));
    });
  });
}
