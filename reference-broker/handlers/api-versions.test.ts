import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { apiVersionsHandler } from './api-versions.ts';
import type { ApiHandler, RequestContext } from './handler.ts';

describe('ApiVersions features (KIP-584)', () => {
  const handler = apiVersionsHandler(() => new Map<number, ApiHandler>());
  const ask = (apiVersion: number) =>
    handler.handle({ clientSoftwareName: 'c', clientSoftwareVersion: '1' }, { apiVersion } as RequestContext);

  it('finalizes transaction.version 2 from v3, as Kafka 4.4.0 does', async () => {
    for (const v of [3, 4]) {
      const r = await ask(v);
      expect(r!.finalizedFeatures).toEqual([{ name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 }]);
      expect(r!.finalizedFeaturesEpoch >= 0n).toBe(true);
    }
  });

  it('lists transaction.version 0-2 as supported on v4 only (v3 omits features whose minimum is 0)', async () => {
    expect((await ask(3))!.supportedFeatures).toEqual([]);
    expect((await ask(4))!.supportedFeatures).toEqual([{ name: 'transaction.version', minVersion: 0, maxVersion: 2 }]);
  });

  it('has no features on an error answer', async () => {
    const r = await handler.handle({ clientSoftwareName: '', clientSoftwareVersion: '' }, {
      apiVersion: 3,
    } as RequestContext);
    expect([r!.errorCode, r!.finalizedFeatures]).toEqual([ErrorCode.INVALID_REQUEST, []]);
  });
});
