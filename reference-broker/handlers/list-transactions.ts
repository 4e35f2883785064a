/**
 * ListTransactions (key 66), versions 0-2: the transactional ids this node coordinates
 * (KafkaApis.handleListTransactionsRequest → TransactionStateManager.listTransactionStates,
 * KIP-664), filtered by state and producer id; v1 adds the duration filter (KIP-994), v2 the
 * transactional id pattern (KIP-1152). Clients ask every broker and merge the answers.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-994%3A+Minor+Enhancements+to+ListTransactions+and+DescribeTransactions+APIs
 */
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type { ListTransactionsRequest, ListTransactionsResponse } from '../../protocol/messages/generated/index.ts';
import { listTxns, loadedTxns } from '../transactions/txn-admin.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const listTransactionsHandler: ApiHandler<ListTransactionsRequest, ListTransactionsResponse> = {
  apiKey: ApiKey.ListTransactions,
  ...specVersions(ApiKey.ListTransactions),
  handle(req, { broker, apiVersion }) {
    const { all, loading } = loadedTxns(broker);
    const answer = listTxns(
      all,
      {
        states: req.stateFilters,
        producerIds: req.producerIdFilters,
        durationMs: apiVersion >= 1 ? Number(req.durationFilter) : -1,
        transactionalIdPattern: apiVersion >= 2 ? req.transactionalIdPattern : null,
      },
      Date.now(),
      loading,
    );
    return { throttleTimeMs: 0, ...answer };
  },
};
