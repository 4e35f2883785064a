import type { Logger } from '../logger.ts';

/**
 * Passes at most `perSecond` warnings a second to the log and counts the rest, so that a flood of
 * misbehaving clients (a fuzzer closes a connection per bad frame) cannot fill the disk or slow
 * the broker down with log lines. The count of dropped lines is logged once the flood ends.
 */
export class LogRateLimiter {
  private readonly log: Logger;
  private readonly perSecond: number;
  private windowStart = 0;
  private inWindow = 0;
  private suppressed = 0;

  constructor(log: Logger, perSecond = 20) {
    this.log = log;
    this.perSecond = perSecond;
  }

  warn(msg: string): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      if (this.suppressed > 0) this.log.warn(`${this.suppressed} similar warning(s) suppressed in the last second`);
      this.windowStart = now;
      this.inWindow = 0;
      this.suppressed = 0;
    }
    if (this.inWindow++ < this.perSecond) this.log.warn(msg);
    else this.suppressed++;
  }
}
