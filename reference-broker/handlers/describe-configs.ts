/**
 * DescribeConfigs (key 32), versions 1-4 (v0 is gone from Kafka 4's specs). Topic resources:
 * every topic config with its effective value, source, synonyms (v1+, KIP-226), type and
 * documentation (v3+, KIP-569), as Kafka 4.4's ConfigHelper answers them; broker resources: the
 * broker configs this broker has (broker-configs.ts). BROKER_LOGGER, CLIENT_METRICS and GROUP
 * resources are not served (SKIPPED_FEATURES.md) and answered as Kafka answers a type it does
 * not handle.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-226+-+Dynamic+Broker+Configuration
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-569%3A+DescribeConfigsResponse+-+Update+the+schema+to+include+additional+metadata+information+of+the+field
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import { brokerTopicDefaults } from '../topics/topic-config.ts';
import { describeTopicConfigEntries } from '../topics/topic-config-describe.ts';
import { topicNameInvalidReason } from '../topics/topic-name.ts';
import { INVALID_REQUEST_DEFAULT_MESSAGE, isKnownResourceType, parseJavaInt, ResourceType } from './config-resource.ts';
import type { ApiHandler } from './handler.ts';
import { AclOperation, configDenial } from './authorize.ts';
import { ERROR_INFO } from '../../protocol/errors/generated/error-codes.ts';
import { specVersions } from './spec-versions.ts';

type Result = DescribeConfigsResponse['results'][number];
type Resource = DescribeConfigsRequest['resources'][number];

function error(r: Resource, errorCode: number, errorMessage: string | null): Result {
  return { errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
}

/** The broker config table (350 configs with their documentation) is loaded on first use, not at start. */
type BrokerConfigs = typeof import('./broker-configs.ts');
let brokerConfigs: Promise<BrokerConfigs> | undefined;

function describeOne(
  broker: Broker,
  r: Resource,
  req: DescribeConfigsRequest,
  table: BrokerConfigs | undefined,
): Result {
  const options = {
    keys: r.configurationKeys,
    includeSynonyms: req.includeSynonyms,
    includeDocumentation: req.includeDocumentation,
  };
  const ok = (configs: Result['configs']): Result => ({ ...error(r, ErrorCode.NONE, ''), configs });
  switch (r.resourceType) {
    case ResourceType.TOPIC: {
      const bad = topicNameInvalidReason(r.resourceName);
      if (bad) return error(r, ErrorCode.INVALID_TOPIC_EXCEPTION, bad);
      const topic = broker.topics.get(r.resourceName);
      // Kafka sets no message here: the answer carries the field's default, an empty string.
      if (!topic) return error(r, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, '');
      return ok(describeTopicConfigEntries(topic.configs, brokerTopicDefaults(broker.config), options));
    }
    case ResourceType.BROKER: {
      if (r.resourceName === '') return ok(table!.describeBrokerConfigEntries(broker.config, options, false));
      const id = parseJavaInt(r.resourceName);
      if (id === undefined)
        return error(r, ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${r.resourceName}`);
      if (id !== broker.nodeId)
        return error(
          r,
          ErrorCode.INVALID_REQUEST,
          `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${r.resourceName}`,
        );
      return ok(table!.describeBrokerConfigEntries(broker.config, options, true));
    }
    default:
      return error(r, ErrorCode.INVALID_REQUEST, `Unsupported resource type: ${resourceTypeName(r.resourceType)}`);
  }
}

function resourceTypeName(type: number): string {
  const names: Record<number, string> = { 8: 'BROKER_LOGGER', 16: 'CLIENT_METRICS', 32: 'GROUP' };
  return names[type] ?? 'UNKNOWN';
}

export const describeConfigsHandler: ApiHandler<DescribeConfigsRequest, DescribeConfigsResponse> = {
  apiKey: ApiKey.DescribeConfigs,
  ...specVersions(ApiKey.DescribeConfigs),
  async handle(req, ctx) {
    const { broker } = ctx;
    // Kafka sorts resources by authorization first and fails the whole request on a type it does
    // not know, answering every resource INVALID_REQUEST with the error's default message.
    if (req.resources.some((r) => !isKnownResourceType(r.resourceType)))
      return {
        throttleTimeMs: 0,
        results: req.resources.map((r) => error(r, ErrorCode.INVALID_REQUEST, INVALID_REQUEST_DEFAULT_MESSAGE)),
      };
    const table = req.resources.some((r) => r.resourceType === ResourceType.BROKER)
      ? await (brokerConfigs ??= import('./broker-configs.ts'))
      : undefined;
    // ConfigHelper: a resource the principal may not DESCRIBE_CONFIGS is answered after the others
    const denied = req.resources.filter((r) => configDenial(ctx, r, AclOperation.DESCRIBE_CONFIGS));
    const allowed = req.resources.filter((r) => !denied.includes(r));
    return {
      throttleTimeMs: 0,
      results: [
        ...allowed.map((r) => describeOne(broker, r, req, table)),
        ...denied.map((r) => {
          const code = configDenial(ctx, r, AclOperation.DESCRIBE_CONFIGS)!;
          return error(r, code, ERROR_INFO.get(code)?.message ?? null); // Kafka: the error's default message
        }),
      ],
    };
  },
};
