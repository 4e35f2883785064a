/**
 * DescribeTransactions (key 65), version 0: the coordinator's state of each transactional id
 * (KafkaApis.handleDescribeTransactionsRequest → TransactionCoordinator.handleDescribeTransactions,
 * KIP-664). Each id is answered alone: NOT_COORDINATOR / COORDINATOR_LOAD_IN_PROGRESS when this
 * node does not hold its __transaction_state partition, TRANSACTIONAL_ID_NOT_FOUND when it holds
 * no state for it, INVALID_REQUEST for the empty id. No ACLs here, so nothing is filtered.
 * https://cwiki.apache.org/confluence/display/KAFKA/KIP-664%3A+Provide+tooling+to+detect+and+abort+hanging+transactions
 */
import { ApiKey } from '../../protocol/messages/generated/api-keys.ts';
import type {
  DescribeTransactionsRequest,
  DescribeTransactionsResponse,
} from '../../protocol/messages/generated/index.ts';
import { describeTxn, lookupTxn } from '../transactions/txn-admin.ts';
import type { ApiHandler } from './handler.ts';
import { specVersions } from './spec-versions.ts';

export const describeTransactionsHandler: ApiHandler<DescribeTransactionsRequest, DescribeTransactionsResponse> = {
  apiKey: ApiKey.DescribeTransactions,
  ...specVersions(ApiKey.DescribeTransactions),
  handle(req, { broker }) {
    return {
      throttleTimeMs: 0,
      transactionStates: req.transactionalIds.map((id) =>
        describeTxn(id, id === '' ? undefined : lookupTxn(broker, id)),
      ),
    };
  },
};
