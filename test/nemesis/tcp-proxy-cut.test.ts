/**
 * The proxy's client cut (the `cut-client` fault on external targets): open connections are
 * reset, new ones are refused until heal, and after heal clients get through again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { startTcpProxy, type TcpProxy } from '../../harness/nemesis/tcp-proxy.ts';
import { splitHostPort } from '../../protocol/client/host-port.ts';
import type { RunningBroker } from '../../reference-broker/server.ts';
import { startTestBroker } from '../helpers/reference.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

let broker: RunningBroker;
let proxy: TcpProxy;
let via: string;

beforeAll(async () => {
  broker = await startTestBroker();
  proxy = await startTcpProxy(splitHostPort(broker.bootstrap));
  via = `${proxy.listen.host}:${proxy.listen.port}`;
});
afterAll(async () => {
  await proxy?.close();
  await broker?.close();
});

describe('TcpProxy.cut', () => {
  it('resets open connections and refuses new ones until heal', async () => {
    const open = await RawClient.connect(via, 'cut-test', 5_000);
    expect(
      (await open.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }, 5_000))
        .errorCode,
    ).toBe(0);
    proxy.cut();
    await expect(
      open.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }, 5_000),
    ).rejects.toThrow();
    open.close();
    const refused = await RawClient.connect(via, 'cut-test', 5_000)
      .then((c) =>
        c
          .request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }, 5_000)
          .finally(() => c.close()),
      )
      .then(
        () => 'answered',
        () => 'refused',
      );
    expect(refused).toBe('refused');
    proxy.heal();
    const again = await RawClient.connect(via, 'cut-test', 5_000);
    try {
      expect(
        (await again.request(ApiKey.ApiVersions, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' }, 5_000))
          .errorCode,
      ).toBe(0);
    } finally {
      again.close();
    }
  });
});
