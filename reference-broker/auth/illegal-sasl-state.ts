/**
 * The answer Kafka gives a request that arrives where a SaslAuthenticate was expected: the API's
 * own error response (`AbstractRequest.getErrorResponse`) with ILLEGAL_SASL_STATE, after which
 * the connection is closed. Checked against Kafka 4.4.0: ApiVersions gets the error and no API
 * list, Metadata the error on every topic asked for, SaslHandshake the error and no mechanisms.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { MESSAGE_SCHEMAS } from '../../protocol/messages/generated/schemas.ts';
import { withDefaults } from '../../protocol/messages/schema-defaults.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

// Kafka's "authorized operations not requested" marker.
const NO_OPERATIONS = -2147483648;

const RESPONSE_SCHEMAS = new Map(MESSAGE_SCHEMAS.filter((s) => s.type === 'response').map((s) => [s.apiKey, s]));

/**
 * The ILLEGAL_SASL_STATE answer to `request` of `apiKey`, or undefined where this broker has no
 * faithful one (an API whose error response names partitions): the caller then closes without
 * an answer, which a client handles the same way as the error followed by the close.
 */
export function illegalSaslStateResponse(apiKey: number, request: unknown): unknown {
  const errorCode = ErrorCode.ILLEGAL_SASL_STATE;
  const schema = RESPONSE_SCHEMAS.get(apiKey);
  if (!schema) return undefined;
  if (apiKey === ApiKey.ApiVersions) return withDefaults(schema, { errorCode, apiKeys: [] });
  if (apiKey === ApiKey.Metadata) {
    const topics = ((request as { topics: { name: string | null; topicId: string }[] | null }).topics ?? []).map(
      (t) => ({
        errorCode,
        name: t.name,
        topicId: t.topicId,
        isInternal: false,
        partitions: [],
        topicAuthorizedOperations: NO_OPERATIONS,
      }),
    );
    return withDefaults(schema, {
      brokers: [],
      clusterId: null,
      controllerId: -1,
      topics,
      clusterAuthorizedOperations: NO_OPERATIONS,
    });
  }
  const root = schema.structs[schema.root]!;
  if (!root.some((f) => f.prop === 'errorCode')) return undefined;
  return withDefaults(schema, { errorCode });
}
