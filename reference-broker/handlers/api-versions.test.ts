import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { ApiVersionsResponse } from '../../protocol/messages/generated/index.ts';
import { apiVersionsHandler } from './api-versions.ts';
import type { ApiHandler, RequestContext } from './handler.ts';
import { HANDLERS } from './index.ts';

const TRANSACTION_VERSION = { name: 'transaction.version', minVersionLevel: 2, maxVersionLevel: 2 };
const GROUP_VERSION = { name: 'group.version', minVersionLevel: 1, maxVersionLevel: 1 };

describe('ApiVersions features (KIP-584)', () => {
  const handler = apiVersionsHandler(() => new Map<number, ApiHandler>());
  const ask = (apiVersion: number) =>
    handler.handle({ clientSoftwareName: 'c', clientSoftwareVersion: '1' }, { apiVersion } as RequestContext);

  it('finalizes group.version 1 (KIP-848) and transaction.version 2 from v3, as Kafka 4.4.0 does', async () => {
    for (const v of [3, 4]) {
      const r = await ask(v);
      expect(r!.finalizedFeatures).toEqual([GROUP_VERSION, TRANSACTION_VERSION]);
      expect(r!.finalizedFeaturesEpoch >= 0n).toBe(true);
    }
  });

  it('lists them as supported on v4 only (v3 omits features whose minimum is 0)', async () => {
    expect((await ask(3))!.supportedFeatures).toEqual([]);
    expect((await ask(4))!.supportedFeatures).toEqual([
      { name: 'group.version', minVersion: 0, maxVersion: 1 },
      { name: 'transaction.version', minVersion: 0, maxVersion: 2 },
    ]);
  });

  it('has no features on an error answer', async () => {
    const r = await handler.handle({ clientSoftwareName: '', clientSoftwareVersion: '' }, {
      apiVersion: 3,
    } as RequestContext);
    expect([r!.errorCode, r!.finalizedFeatures]).toEqual([ErrorCode.INVALID_REQUEST, []]);
  });
});

describe('ApiVersions: the KIP-848 consumer group protocol', () => {
  it('serves ConsumerGroupHeartbeat (68) and ConsumerGroupDescribe (69) at versions 0-1, as Kafka 4.4.0', async () => {
    const r = (await HANDLERS.get(ApiKey.ApiVersions)!.handle({ clientSoftwareName: 'c', clientSoftwareVersion: '1' }, {
      apiVersion: 4,
    } as RequestContext)) as ApiVersionsResponse;
    expect(r.apiKeys.filter((k) => k.apiKey === 68 || k.apiKey === 69)).toEqual([
      { apiKey: 68, minVersion: 0, maxVersion: 1 },
      { apiKey: 69, minVersion: 0, maxVersion: 1 },
    ]);
  });
});
