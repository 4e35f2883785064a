/** The controller listener: kconform's internal JSON-lines-over-TCP RPC between reference-cluster nodes. */
export { startRpcServer, type RpcHandler, type RpcServer } from './rpc-server.ts';
export { RpcClient, RpcError, type RpcErrorKind } from './rpc-client.ts';
