import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RawClient, RawClientError } from '../../protocol/client/raw-client.ts';
import { decodeResponse } from '../../protocol/messages/frames.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { silentLogger } from '../../reference-broker/logger.ts';
import { startBroker, type RunningBroker } from '../../reference-broker/server.ts';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';

let broker: RunningBroker;
let proxy: TcpProxy;
beforeAll(async () => {
  broker = await startBroker({ port: 0 }, silentLogger);
  const [host, port] = broker.bootstrap.split(':');
  proxy = await startTcpProxy({ host: host!, port: Number(port) });
});
afterAll(async () => {
  await proxy?.close();
  await broker?.close();
});

const body = { transactionalId: 'held', producerId: 5n, producerEpoch: 0, committed: true };

describe('tcp proxy: held requests (a request delivered late)', () => {
  it('keeps a held request from the broker until released, then delivers it and returns the answer', async () => {
    proxy.holdRequests({ apiKey: ApiKey.EndTxn, count: 1 });
    const c = await RawClient.connect(`${proxy.listen.host}:${proxy.listen.port}`);
    await expect(c.request(ApiKey.EndTxn, 4, body, 300)).rejects.toBeInstanceOf(RawClientError);
    c.close();
    // the next one is not held
    const c2 = await RawClient.connect(`${proxy.listen.host}:${proxy.listen.port}`);
    const answered = await c2.request(ApiKey.EndTxn, 4, body);
    c2.close();
    const late = await proxy.releaseHeld();
    expect(late.map((h) => [h.apiKey, h.apiVersion])).toEqual([[ApiKey.EndTxn, 4]]);
    const decoded = decodeResponse<{ errorCode: number }>(ApiKey.EndTxn, 4, late[0]!.response!);
    // the broker answered the late request as it answers that request (here: no such transactional id)
    expect(decoded.body.errorCode).toBe(answered.errorCode);
    expect(await proxy.releaseHeld()).toEqual([]);
  });
});
