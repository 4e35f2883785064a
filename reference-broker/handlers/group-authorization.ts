/**
 * The authorization of the group APIs, as Kafka 4.4's KafkaApis checks it before the group
 * coordinator sees a request: JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit and
 * ConsumerGroupHeartbeat need READ on the group (GROUP_AUTHORIZATION_FAILED otherwise),
 * FindCoordinator for a group DESCRIBE on it (and for a transactional id DESCRIBE on that:
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED). Without an authorizer every request goes through.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { AUTHORIZED_OPERATIONS_OMITTED } from './authorized-operations.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { ApiHandler, RequestContext } from './handler.ts';
import { AclOperation, authorized, authorizedOperations, ResourceType } from './authorize.ts';

const GROUP_DENIED = ErrorCode.GROUP_AUTHORIZATION_FAILED;

// biome-ignore lint/suspicious/noExplicitAny: each API's own request and response bodies
type Body = any;

/** The answer to a request whose group the principal may not READ, or undefined when it may. */
function groupDenial(apiKey: number, req: Body, ctx: RequestContext): Body | undefined {
  const denied = (groupId: string) => !authorized(ctx, AclOperation.READ, ResourceType.GROUP, groupId);
  switch (apiKey) {
    case ApiKey.JoinGroup:
      return denied(req.groupId)
        ? {
            throttleTimeMs: 0,
            errorCode: GROUP_DENIED,
            generationId: -1,
            protocolType: null,
            protocolName: ctx.apiVersion >= 7 ? null : '',
            leader: '',
            skipAssignment: false,
            memberId: '',
            members: [],
          }
        : undefined;
    case ApiKey.SyncGroup:
      return denied(req.groupId)
        ? {
            throttleTimeMs: 0,
            errorCode: GROUP_DENIED,
            protocolType: null,
            protocolName: null,
            assignment: Buffer.alloc(0),
          }
        : undefined;
    case ApiKey.Heartbeat:
      return denied(req.groupId) ? { throttleTimeMs: 0, errorCode: GROUP_DENIED } : undefined;
    case ApiKey.LeaveGroup:
      return denied(req.groupId) ? { throttleTimeMs: 0, errorCode: GROUP_DENIED, members: [] } : undefined;
    case ApiKey.OffsetCommit:
      return denied(req.groupId)
        ? {
            throttleTimeMs: 0,
            topics: req.topics.map((t: Body) => ({
              name: t.name,
              topicId: t.topicId,
              partitions: t.partitions.map((p: Body) => ({
                partitionIndex: p.partitionIndex,
                errorCode: GROUP_DENIED,
              })),
            })),
          }
        : undefined;
    case ApiKey.ConsumerGroupHeartbeat:
      return denied(req.groupId)
        ? {
            throttleTimeMs: 0,
            errorCode: GROUP_DENIED,
            errorMessage: null,
            memberId: null,
            memberEpoch: 0,
            heartbeatIntervalMs: 0,
            assignment: null,
          }
        : undefined;
    default:
      return undefined;
  }
}

/** A group's supported operations (AclEntry.supportedOperations(GROUP)): READ, DELETE, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS. */
const GROUP_OPERATION_CODES = [3, 6, 8, 10, 11];

/**
 * DescribeGroups and DeleteGroups (KafkaApis: partitionSeqByAuthorized): the groups the principal
 * may DESCRIBE (DELETE) go to the coordinator, the others are answered GROUP_AUTHORIZATION_FAILED
 * (DescribeGroups: before them, DeleteGroups: after them, as Kafka orders them); described groups
 * carry the authorized operations the ACLs give.
 */
async function perGroup(handler: ApiHandler, req: Body, ctx: RequestContext): Promise<Body> {
  const describe = handler.apiKey === ApiKey.DescribeGroups;
  const ids: string[] = describe ? req.groups : req.groupsNames;
  const may = (g: string) =>
    authorized(ctx, describe ? AclOperation.DESCRIBE : AclOperation.DELETE, ResourceType.GROUP, g);
  const allowed = ids.filter(may);
  const denied = ids.filter((g) => !may(g));
  const answer: Body = await handler.handle(
    describe ? { ...req, groups: allowed } : { ...req, groupsNames: allowed },
    ctx,
  );
  if (describe) {
    if (req.includeAuthorizedOperations)
      for (const g of answer.groups)
        if (g.errorCode === ErrorCode.NONE)
          g.authorizedOperations = authorizedOperations(ctx, ResourceType.GROUP, g.groupId, GROUP_OPERATION_CODES);
    // Kafka answers the denied groups first, in request order, then the coordinator's
    answer.groups = [
      ...denied.map((groupId) => ({
        errorCode: GROUP_DENIED,
        errorMessage: null,
        groupId,
        groupState: '',
        protocolType: '',
        protocolData: '',
        members: [],
        authorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
      })),
      ...answer.groups,
    ];
  } else for (const groupId of denied) answer.results.push({ groupId, errorCode: GROUP_DENIED });
  return answer;
}

/** `handler` answering GROUP_AUTHORIZATION_FAILED, as Kafka does, when the principal may not READ the request's group. */
export function withGroupAuthorization(handler: ApiHandler): ApiHandler {
  return {
    apiKey: handler.apiKey,
    minVersion: handler.minVersion,
    maxVersion: handler.maxVersion,
    handle(req, ctx) {
      if (ctx.broker.authorizer) {
        if (handler.apiKey === ApiKey.DescribeGroups || handler.apiKey === ApiKey.DeleteGroups)
          return perGroup(handler, req, ctx);
        const denial = groupDenial(handler.apiKey, req, ctx);
        if (denial) return denial;
      }
      return handler.handle(req, ctx);
    },
  };
}

/** Kafka's FindCoordinator key types. */
const GROUP_KEY = 0;
const TRANSACTION_KEY = 1;

/**
 * FindCoordinator `handler` answering GROUP_AUTHORIZATION_FAILED (TRANSACTIONAL_ID_AUTHORIZATION_FAILED)
 * for a key the principal may not DESCRIBE, per key from v4 (batched) and for the request before.
 */
export function withCoordinatorAuthorization(handler: ApiHandler): ApiHandler {
  return {
    ...handler,
    async handle(req: Body, ctx) {
      if (!ctx.broker.authorizer) return handler.handle(req, ctx);
      const type = req.keyType ?? GROUP_KEY;
      const resourceType = type === TRANSACTION_KEY ? ResourceType.TRANSACTIONAL_ID : ResourceType.GROUP;
      const code = type === TRANSACTION_KEY ? ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED : GROUP_DENIED;
      const mayDescribe = (key: string) => authorized(ctx, AclOperation.DESCRIBE, resourceType, key);
      const noNode = { nodeId: -1, host: '', port: -1 };
      if (ctx.apiVersion < 4) {
        if (mayDescribe(req.key)) return handler.handle(req, ctx);
        return { throttleTimeMs: 0, errorCode: code, errorMessage: null, ...noNode, coordinators: [] };
      }
      const keys: string[] = req.coordinatorKeys;
      const allowed = keys.filter(mayDescribe);
      const answer: Body = allowed.length
        ? await handler.handle({ ...req, coordinatorKeys: allowed }, ctx)
        : { throttleTimeMs: 0, errorCode: 0, errorMessage: null, ...noNode, coordinators: [] };
      const denied = keys
        .filter((k) => !mayDescribe(k))
        .map((key) => ({ key, ...noNode, errorCode: code, errorMessage: '' })); // Kafka's answer carries an empty message
      return { ...answer, coordinators: [...answer.coordinators, ...denied] };
    },
  };
}
