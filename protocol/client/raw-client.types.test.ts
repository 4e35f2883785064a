/**
 * Type-level checks (tsc runs them; at run time they do nothing): the raw client's request is
 * typed by the generated ApiKey map. Each
 * `@ts-expect-error` line fails `npx tsc --noEmit` the day it compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import { ApiKey, type RequestOf, type ResponseOf } from '../messages/generated/api-keys.ts';
import type {
  ApiVersionsResponse,
  FetchResponse,
  ProduceRequest,
  ProduceResponse,
} from '../messages/generated/index.ts';
import type { RawClient } from './raw-client.ts';

const produce: ProduceRequest = { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [] };

// Never called: only compiled.
function calls(c: RawClient): void {
  void c.request(ApiKey.Produce, 9, produce);
  // @ts-expect-error a Fetch body is no Produce body
  void c.request(ApiKey.Fetch, 12, produce);
  // @ts-expect-error acks is a number
  void c.request(ApiKey.Produce, 9, { ...produce, acks: 'all' });
  // @ts-expect-error a field Produce has not
  void c.request(ApiKey.Produce, 9, { ...produce, ack: -1 });
  // @ts-expect-error a field Produce needs is missing
  void c.request(ApiKey.Produce, 9, { transactionalId: null, acks: -1, topicData: [] });
  // @ts-expect-error 7 (ControlledShutdown) is no API of the pinned specs
  void c.request(7, 0, {});
  // @ts-expect-error a body built from a version must still be a Produce body
  void c.send(ApiKey.Produce, (v: number) => ({ version: v }));
  c.requestNoResponse(ApiKey.Produce, 9, { ...produce, acks: 0 });
}

describe('the raw client is typed by the ApiKey map', () => {
  it('answers each API key with its response type', () => {
    expectTypeOf<RawClient['request']>().toBeFunction();
    expectTypeOf<ReturnType<typeof answer<typeof ApiKey.Produce>>>().resolves.toEqualTypeOf<ProduceResponse>();
    expectTypeOf<ResponseOf<typeof ApiKey.Fetch>>().toEqualTypeOf<FetchResponse>();
    expectTypeOf<ResponseOf<typeof ApiKey.ApiVersions>>().toEqualTypeOf<ApiVersionsResponse>();
    expectTypeOf<RequestOf<typeof ApiKey.Produce>>().toEqualTypeOf<ProduceRequest>();
    expectTypeOf(ApiKey.Produce).toEqualTypeOf<0>();
    expectTypeOf(calls).toBeFunction();
  });
});

function answer<K extends ApiKey>(c: RawClient, k: K, body: RequestOf<K>): Promise<ResponseOf<K>> {
  return c.request(k, 0, body);
}
