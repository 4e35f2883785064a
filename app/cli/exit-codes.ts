/** Exit codes of the kconform CLI (the contract in DESIGN.md that scripts and CI rely on). */
export const ExitCode = {
  /** Every check held. */
  ok: 0,
  /** An anomaly or a conformance difference was found. */
  anomaly: 1,
  /** Bad usage or configuration. */
  usage: 2,
  /** The target could not be started or reached. */
  target: 3,
} as const;

/** An error that ends the CLI with a one-line reason and a specific exit code. */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** Bad usage: exit code 2. */
export function usageError(message: string): CliError {
  return new CliError(message, ExitCode.usage);
}

/**
 * Target could not be started or reached: exit code 3; or 2 when `badSpec` (the target's spec
 * names something that does not exist, e.g. a Kafka release: no retry or install helps).
 */
export function targetError(message: string, badSpec = false): CliError {
  return new CliError(message, badSpec ? ExitCode.usage : ExitCode.target);
}
