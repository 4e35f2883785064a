/**
 * DeleteTopics (key 20), versions 1-6 (v6 may name topics by id, KIP-516).
 * Deleting a topic drops its logs; a topic created again with the same name starts at offset 0
 * with a new topic id.
 */
import { ErrorCode } from '../../protocol/errors/generated/error-codes.ts';
import { NULL_UUID } from '../../protocol/primitives/index.ts';
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/messages/generated/index.ts';
import type { Broker } from '../broker.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

type Result = DeleteTopicsResponse['responses'][number];

async function deleteOne(broker: Broker, name: string | null, topicId: string): Promise<Result> {
  const topic = name !== null ? broker.topics.get(name) : broker.topics.getById(topicId);
  if (!topic) {
    const errorCode = name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID;
    return { name, topicId, errorCode, errorMessage: null };
  }
  if (topic.internal) return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: 'Internal topics cannot be deleted' };
  if (broker.cluster) {
    const answer = await broker.cluster.deleteTopic(topic.name);
    if (answer.errorCode !== ErrorCode.NONE) return { name: topic.name, topicId: topic.id, errorCode: answer.errorCode, errorMessage: answer.errorMessage };
  } else {
    broker.deleteTopic(topic.name);
  }
  return { name: topic.name, topicId: topic.id, errorCode: ErrorCode.NONE, errorMessage: null };
}

export const deleteTopicsHandler: ApiHandler<DeleteTopicsRequest, DeleteTopicsResponse> = {
  apiKey: 20,
  ...specVersions(20),
  async handle(req, { broker, apiVersion }) {
    const targets = apiVersion >= 6 ? req.topics.map((t) => ({ name: t.name, topicId: t.topicId })) : req.topicNames.map((name) => ({ name, topicId: NULL_UUID }));
    return { throttleTimeMs: 0, responses: await Promise.all(targets.map((t) => deleteOne(broker, t.name, t.topicId))) };
  },
};
