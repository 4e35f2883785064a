/**
 * ACLs in a three-node reference cluster (`kconform broker --brokers 3` nodes as processes, with
 * `--authorizer-class-name StandardAuthorizer`): CreateAcls sent to one node is a record of the
 * metadata log, so every node describes the ACL and enforces it, and DeleteAcls through another
 * node removes it everywhere. The nodes replicate over the PLAINTEXT client listener as
 * `User:ANONYMOUS`, so it is a super user here (as on Kafka with a PLAINTEXT inter-broker
 * listener); enforcement itself is checked on one node in acls.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceProcesses, type StartedReferenceProcesses } from '../../harness/targets/reference-process.ts';
import { RawClient } from '../../protocol/client/raw-client.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import { STANDARD_AUTHORIZER_CLASS } from '../../reference-broker/acls/authorizer.ts';
import { uniqueTopic } from '../helpers/reference.ts';

let cluster: StartedReferenceProcesses;

beforeAll(async () => {
  cluster = await startReferenceProcesses({
    brokers: 3,
    extraArgs: ['--authorizer-class-name', STANDARD_AUTHORIZER_CLASS, '--super-users', 'User:ANONYMOUS'],
  });
}, 90_000);
afterAll(async () => {
  await cluster?.stop();
});

const anyFilter = (resourceNameFilter: string) => ({
  resourceTypeFilter: 1,
  resourceNameFilter,
  patternTypeFilter: 1,
  principalFilter: null,
  hostFilter: null,
  operation: 1,
  permissionType: 1,
});

/** The principals of the ACLs each node lists for `name`, once every node lists `expected` of them (or 10 s). */
async function describeOnEveryNode(name: string, expected: number): Promise<string[][]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const seen = await Promise.all(
      cluster.nodes.map(async (n) => {
        const c = await RawClient.connect(n.bootstrap);
        try {
          const r = await c.request(ApiKey.DescribeAcls, 3, anyFilter(name));
          expect(r.errorCode).toBe(0);
          return r.resources.flatMap((x) => x.acls.map((a) => `${a.principal}/${a.operation}/${a.permissionType}`));
        } finally {
          c.close();
        }
      }),
    );
    if (seen.every((s) => s.length === expected) || Date.now() > deadline) return seen;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('ACLs in a reference cluster', () => {
  it('are created through one node and deleted through another, on every node alike', async () => {
    const topic = uniqueTopic('acl-cluster');
    const [first, second] = cluster.nodes;
    const c1 = await RawClient.connect(first!.bootstrap);
    try {
      const r = await c1.request(ApiKey.CreateAcls, 3, {
        creations: [
          {
            resourceType: 2,
            resourceName: topic,
            resourcePatternType: 3,
            principal: 'User:*',
            host: '*',
            operation: 4,
            permissionType: 2,
          },
        ],
      });
      expect(r.results).toEqual([expect.objectContaining({ errorCode: 0, errorMessage: '' })]);
    } finally {
      c1.close();
    }
    expect(await describeOnEveryNode(topic, 1)).toEqual([['User:*/4/2'], ['User:*/4/2'], ['User:*/4/2']]);

    const c2 = await RawClient.connect(second!.bootstrap);
    try {
      const d = await c2.request(ApiKey.DeleteAcls, 3, { filters: [anyFilter(topic)] });
      expect(d.filterResults[0]!.matchingAcls.map((a) => a.resourceName)).toEqual([topic]);
    } finally {
      c2.close();
    }
    expect(await describeOnEveryNode(topic, 0)).toEqual([[], [], []]);
  }, 60_000);
});
