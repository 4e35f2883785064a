/**
 * DescribeCluster (key 60), versions 0-2 (KIP-700): the brokers, cluster id and controller,
 * what Kafka's Admin client asks for instead of Metadata.
 *
 * The endpoint type (v1+, KIP-919) is checked as Kafka's AuthHelper.computeDescribeClusterResponse
 * does on a broker listener: an unknown type is UNSUPPORTED_ENDPOINT_TYPE, a known type other than
 * "brokers" (2, controllers) is MISMATCHED_ENDPOINT_TYPE, both INVALID_REQUEST at v0, and the error
 * answer carries the schema defaults (endpoint type 1, no brokers, controller -1).
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import type { DescribeClusterRequest, DescribeClusterResponse } from '../../protocol/messages/generated/index.ts';
import { AUTHORIZED_OPERATIONS_OMITTED, CLUSTER_OPERATIONS } from './authorized-operations.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

const BROKERS_ENDPOINT = 1;
const CONTROLLERS_ENDPOINT = 2;

/** The error of a request for `endpointType` at `apiVersion` on a broker listener, or NONE. */
export function endpointTypeError(apiVersion: number, endpointType: number): number {
  if (endpointType === BROKERS_ENDPOINT) return ErrorCode.NONE;
  if (apiVersion === 0) return ErrorCode.INVALID_REQUEST;
  return endpointType === CONTROLLERS_ENDPOINT
    ? ErrorCode.MISMATCHED_ENDPOINT_TYPE
    : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE;
}

export const describeClusterHandler: ApiHandler<DescribeClusterRequest, DescribeClusterResponse> = {
  apiKey: ApiKey.DescribeCluster,
  ...specVersions(ApiKey.DescribeCluster),
  handle(req, { broker, apiVersion }) {
    const error = endpointTypeError(apiVersion, req.endpointType);
    if (error !== ErrorCode.NONE) {
      const errorMessage =
        req.endpointType === CONTROLLERS_ENDPOINT
          ? 'The request was sent to an endpoint of type BROKER, but we wanted an endpoint of type CONTROLLER'
          : `Unsupported endpoint type ${req.endpointType}`;
      return {
        throttleTimeMs: 0,
        errorCode: error,
        errorMessage,
        endpointType: BROKERS_ENDPOINT,
        clusterId: '',
        controllerId: -1,
        brokers: [],
        clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      };
    }
    // v2 (KIP-1073) asks for fenced brokers too; earlier versions list the live ones, as Metadata does.
    const all = broker.controlPlane
      .brokers()
      .filter((b) => !b.fenced || req.includeFencedBrokers)
      .sort((a, b) => a.id - b.id);
    const brokers = all.map((b) => ({ brokerId: b.id, host: b.host, port: b.port, rack: null, isFenced: b.fenced }));
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: BROKERS_ENDPOINT,
      clusterId: broker.config.clusterId,
      controllerId: broker.controllerId(),
      brokers,
      clusterAuthorizedOperations: req.includeClusterAuthorizedOperations
        ? CLUSTER_OPERATIONS
        : AUTHORIZED_OPERATIONS_OMITTED,
    };
  },
};
