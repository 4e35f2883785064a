/**
 * Hand-written conform cases of the transaction admin APIs (KIP-664, KIP-994, KIP-1152). They
 * open no transaction (the world has no transactional coordinator ready, and which ids another
 * cell left behind depends on the run), so they ask about ids and filters whose answer does not
 * depend on timing: the empty id, unknown ids, state names Kafka does not know, filters that
 * match nothing, and id patterns that do not compile.
 */
import { type ConformCase, request } from '../conform-case.ts';
import { CaseList, type EdgeContext } from './edge-context.ts';

/** DescribeTransactions (key 65). */
export function describeTransactionsCases(ctx: EdgeContext): ConformCase[] {
  const c = new CaseList(65, ctx.version);
  const describe = (ids: string[]) => request('DescribeTransactions', { transactionalIds: ids });
  c.one('the empty transactional id', describe(['']));
  c.one('no ids', describe([]));
  c.one('the empty id twice, answered in request order', describe(['', '']));
  return c.cases;
}

/** ListTransactions (key 66). */
export function listTransactionsCases(ctx: EdgeContext): ConformCase[] {
  const { version: v, world } = ctx;
  const c = new CaseList(66, v);
  const list = (f: { states?: string[]; pids?: bigint[]; duration?: bigint; pattern?: string | null }) =>
    request('ListTransactions', {
      stateFilters: f.states ?? [],
      producerIdFilters: f.pids ?? [-1n],
      durationFilter: f.duration ?? -1n,
      transactionalIdPattern: f.pattern ?? null,
    });
  c.one('a state Kafka does not know', list({ states: ['NoSuchState'] }));
  c.one('state names are case-sensitive', list({ states: ['ongoing'] }));
  c.one(
    'every state Kafka names, no producer matches',
    list({
      states: [
        'Empty',
        'Ongoing',
        'PrepareCommit',
        'PrepareAbort',
        'CompleteCommit',
        'CompleteAbort',
        'Dead',
        'PrepareEpochFence',
      ],
    }),
  );
  if (v >= 1) c.one('a duration no transaction reaches', list({ pids: [], duration: 9_000_000_000_000n }));
  if (v >= 2) {
    c.one('an id pattern that does not compile', list({ pids: [], pattern: '(' }));
    c.one('a possessive quantifier (Java syntax)', list({ pids: [], pattern: 'a*+' }));
    c.one('an id pattern that matches nothing', list({ pids: [], pattern: `${world.prefix}no-such-txn-.*` }));
  }
  return c.cases;
}
