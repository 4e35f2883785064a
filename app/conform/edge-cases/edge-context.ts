import type { CaseStep, ConformCase } from '../conform-case.ts';
import type { World } from '../world.ts';

/** What a hand-written case needs to know: the world, the version under test, and what else both brokers serve. */
export interface EdgeContext {
  readonly world: World;
  readonly version: number;
  /** The highest version of `apiKey` both brokers serve (for setup steps), undefined if one lacks it. */
  readonly common: (apiKey: number) => number | undefined;
}

/** Collects the cases of one cell: `add(name, steps)` and `add(name, body)` for one-request cases. */
export class CaseList {
  readonly cases: ConformCase[] = [];
  private readonly apiKey: number;
  private readonly version: number;

  constructor(apiKey: number, version: number) {
    this.apiKey = apiKey;
    this.version = version;
  }

  /** A case of one request of this cell's API and version. */
  one(name: string, body: unknown, extra: Partial<CaseStep> = {}): void {
    this.cases.push({
      name,
      apiKey: this.apiKey,
      version: this.version,
      source: 'edge',
      steps: [{ apiKey: this.apiKey, version: this.version, body, ...extra }],
    });
  }

  /** A case of several requests (setup steps say `compare: false`). */
  steps(name: string, steps: CaseStep[]): void {
    this.cases.push({ name, apiKey: this.apiKey, version: this.version, source: 'edge', steps });
  }

  /** A step of this cell's API and version. */
  step(body: CaseStep['body'], extra: Partial<CaseStep> = {}): CaseStep {
    return { apiKey: this.apiKey, version: this.version, body, ...extra };
  }
}
