/**
 * DescribeCluster (key 60), versions 0-2 (KIP-700): the brokers, cluster id and controller,
 * what Kafka's Admin client asks for instead of Metadata.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DescribeClusterRequest, DescribeClusterResponse } from '../../protocol/messages/generated/index.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

const BROKERS_ENDPOINT = 1;

export const describeClusterHandler: ApiHandler<DescribeClusterRequest, DescribeClusterResponse> = {
  apiKey: 60,
  ...specVersions(60),
  handle(req, { broker }) {
    const base = { throttleTimeMs: 0, endpointType: req.endpointType, clusterId: broker.config.clusterId, clusterAuthorizedOperations: -2147483648 };
    if (req.endpointType !== BROKERS_ENDPOINT) {
      return { ...base, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'The reference broker has no separate controller endpoints', controllerId: -1, brokers: [] };
    }
    // v2 (KIP-1073) asks for fenced brokers too; earlier versions list the live ones, as Metadata does.
    const all = broker.cluster ? broker.cluster.brokers().filter((b) => !b.fenced || req.includeFencedBrokers).sort((a, b) => a.id - b.id) : [{ id: broker.nodeId, ...broker.endpoint, fenced: false }];
    const brokers = all.map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: null, isFenced: b.fenced }));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, controllerId: broker.controllerId(), brokers };
  },
};
