import type { ApiHandler } from './handler.ts';
import { withCoordinatorAuthorization } from './group-authorization.ts';
import { apiVersionsHandler } from './api-versions.ts';
import { alterConfigsHandler } from './alter-configs.ts';
import { createPartitionsHandler } from './create-partitions.ts';
import { describeLogDirsHandler } from './describe-log-dirs.ts';
import { describeProducersHandler } from './describe-producers.ts';
import { describeConfigsHandler } from './describe-configs.ts';
import { incrementalAlterConfigsHandler } from './incremental-alter-configs.ts';
import { createTopicsHandler } from './create-topics.ts';
import { deleteRecordsHandler } from './delete-records.ts';
import { deleteTopicsHandler } from './delete-topics.ts';
import { describeClusterHandler } from './describe-cluster.ts';
import { describeTopicPartitionsHandler } from './describe-topic-partitions.ts';
import { fetchHandler } from './fetch.ts';
import { findCoordinatorHandler } from './find-coordinator.ts';
import { initProducerIdHandler } from './init-producer-id.ts';
import { listOffsetsHandler } from './list-offsets.ts';
import { metadataHandler } from './metadata.ts';
import { offsetForLeaderEpochHandler } from './offset-for-leader-epoch.ts';
import { produceHandler } from './produce.ts';
import { groupHandlers } from './groups.ts';
import { saslAuthenticateHandler } from './sasl-authenticate.ts';
import { saslHandshakeHandler } from './sasl-handshake.ts';
import { addOffsetsToTxnHandler } from './add-offsets-to-txn.ts';
import { addPartitionsToTxnHandler } from './add-partitions-to-txn.ts';
import { endTxnHandler } from './end-txn.ts';
import { txnOffsetCommitHandler } from './txn-offset-commit.ts';
import { writeTxnMarkersHandler } from './write-txn-markers.ts';
import { describeTransactionsHandler } from './describe-transactions.ts';
import { listTransactionsHandler } from './list-transactions.ts';
import { createAclsHandler } from './create-acls.ts';
import { describeAclsHandler } from './describe-acls.ts';
import { deleteAclsHandler } from './delete-acls.ts';

/**
 * Every API the reference broker serves, by API key. An API not listed here is not advertised
 * in ApiVersions and a request for it closes the connection, as Kafka does for an API it has not
 * enabled; SKIPPED_FEATURES.md lists them.
 */
export const HANDLERS: ReadonlyMap<number, ApiHandler> = (() => {
  const table = new Map<number, ApiHandler>();
  const all: ApiHandler[] = [
    produceHandler,
    fetchHandler,
    listOffsetsHandler,
    metadataHandler,
    withCoordinatorAuthorization(findCoordinatorHandler),
    createTopicsHandler,
    deleteTopicsHandler,
    deleteRecordsHandler,
    initProducerIdHandler,
    addPartitionsToTxnHandler,
    addOffsetsToTxnHandler,
    endTxnHandler,
    txnOffsetCommitHandler,
    writeTxnMarkersHandler,
    describeTransactionsHandler,
    listTransactionsHandler,
    offsetForLeaderEpochHandler,
    describeClusterHandler,
    describeTopicPartitionsHandler,
    describeConfigsHandler,
    alterConfigsHandler,
    incrementalAlterConfigsHandler,
    createPartitionsHandler,
    describeLogDirsHandler,
    describeProducersHandler,
    describeAclsHandler,
    createAclsHandler,
    deleteAclsHandler,
    ...groupHandlers,
    saslHandshakeHandler,
    saslAuthenticateHandler,
    apiVersionsHandler(() => table),
  ];
  for (const h of all) table.set(h.apiKey, h);
  return table;
})();
