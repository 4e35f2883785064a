/**
 * DeleteTopics (key 20), versions 1-6 (v6 may name topics by id, KIP-516).
 * Deleting a topic drops its logs; a topic created again with the same name starts at offset 0
 * with a new topic id.
 *
 * What is asked is sorted out as Kafka's ControllerApis.deleteTopics does before deleting
 * anything: a name given twice (or an id given twice) is answered once, INVALID_REQUEST; an
 * entry with both a name and an id, or with neither, is INVALID_REQUEST; an id and a name of the
 * same topic are INVALID_REQUEST for the name. Unknown names answer UNKNOWN_TOPIC_OR_PARTITION,
 * unknown ids UNKNOWN_TOPIC_ID (with a null name).
 */
import { ERROR_INFO, ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';
import { AclOperation, authorized, clusterAuthorized, ResourceType } from './authorize.ts';
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';

type Result = DeleteTopicsResponse['responses'][number];

/** ControllerApis answers a denied topic with `new ApiError(TOPIC_AUTHORIZATION_FAILED)`: the error's default message. */
const AUTHORIZATION_FAILED = ERROR_INFO.get(ErrorCode.TOPIC_AUTHORIZATION_FAILED)!.message;

/** What a DeleteTopics request asks for, once sorted out: topics to delete and answers already decided. */
export interface DeletePlan {
  names: string[];
  ids: string[];
  /** Ids given more than once (already rejected): a name of the same topic is rejected too. */
  duplicateIds: ReadonlySet<string>;
  rejected: Result[];
}

/** Sorts the entries of a request the way Kafka does (see the module comment). */
export function planDeletion(
  topicNames: readonly string[],
  topics: readonly { name: string | null; topicId: string }[],
): DeletePlan {
  const rejected: Result[] = [];
  const reject = (name: string | null, topicId: string, errorMessage: string) =>
    rejected.push({ name, topicId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage });
  const names = new Set<string>();
  const duplicateNames = new Set<string>();
  const ids = new Set<string>();
  const duplicateIds = new Set<string>();
  const addName = (name: string) => {
    if (duplicateNames.has(name) || names.has(name)) {
      duplicateNames.add(name);
      names.delete(name);
    } else names.add(name);
  };
  for (const name of topicNames) addName(name);
  for (const t of topics) {
    if (t.name === null) {
      if (t.topicId === NULL_UUID) reject(null, NULL_UUID, 'Neither topic name nor id were specified.');
      else if (duplicateIds.has(t.topicId) || ids.has(t.topicId)) {
        duplicateIds.add(t.topicId);
        ids.delete(t.topicId);
      } else ids.add(t.topicId);
    } else if (t.topicId === NULL_UUID) addName(t.name);
    else reject(t.name, t.topicId, 'You may not specify both topic name and topic id.');
  }
  for (const name of duplicateNames) reject(name, NULL_UUID, 'Duplicate topic name.');
  for (const id of duplicateIds) reject(null, id, 'Duplicate topic id.');
  return { names: [...names], ids: [...ids], duplicateIds, rejected };
}

async function deleteTopic(broker: Broker, name: string, topicId: string): Promise<Result> {
  const topic = broker.topics.get(name)!;
  if (topic.internal)
    return {
      name,
      topicId,
      errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION,
      errorMessage: 'Internal topics cannot be deleted',
    };
  const answer = await broker.controlPlane.deleteTopic(name);
  if (answer.errorCode !== ErrorCode.NONE)
    return { name, topicId, errorCode: answer.errorCode, errorMessage: answer.errorMessage };
  return { name, topicId, errorCode: ErrorCode.NONE, errorMessage: null };
}

export const deleteTopicsHandler: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: ApiKey.DeleteTopics,
  ...specVersions(ApiKey.DeleteTopics),
  async handle(req, ctx) {
    const { broker, apiVersion } = ctx;
    // DELETE on the cluster allows every topic, else DELETE (and DESCRIBE to learn of a failure) on each (ControllerApis.deleteTopics)
    const clusterDelete = clusterAuthorized(ctx, AclOperation.DELETE);
    const may = (op: number, name: string) => clusterDelete || authorized(ctx, op, ResourceType.TOPIC, name);
    const plan = planDeletion(apiVersion >= 6 ? [] : req.topicNames, apiVersion >= 6 ? req.topics : []);
    const responses = [...plan.rejected];
    // topic id -> name of every topic to delete, as Kafka's idToName
    const toDelete = new Map<string, string>();
    for (const id of plan.ids) {
      const topic = broker.topics.getById(id);
      if (topic && !may(AclOperation.DELETE, topic.name))
        responses.push({
          name: may(AclOperation.DESCRIBE, topic.name) ? topic.name : null,
          topicId: id,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: AUTHORIZATION_FAILED,
        });
      else if (topic) toDelete.set(id, topic.name);
      else responses.push({ name: null, topicId: id, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, errorMessage: null });
    }
    const givenIds = new Set([...toDelete.keys(), ...plan.duplicateIds]);
    for (const name of plan.names) {
      const topic = broker.topics.get(name);
      if (!may(AclOperation.DESCRIBE, name) || (topic && !may(AclOperation.DELETE, name))) {
        responses.push({
          name,
          topicId: NULL_UUID,
          errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED,
          errorMessage: AUTHORIZATION_FAILED,
        });
      } else if (!topic) {
        responses.push({
          name,
          topicId: NULL_UUID,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          errorMessage: null,
        });
      } else if (givenIds.has(topic.id)) {
        // the same topic named by its id and by its name: neither deletes it
        toDelete.delete(topic.id);
        responses.push({
          name,
          topicId: topic.id,
          errorCode: ErrorCode.INVALID_REQUEST,
          errorMessage: 'The provided topic name maps to an ID that was already supplied.',
        });
      } else {
        toDelete.set(topic.id, name);
      }
    }
    responses.push(...(await Promise.all([...toDelete].map(([id, name]) => deleteTopic(broker, name, id)))));
    return { throttleTimeMs: 0, responses };
  },
};
