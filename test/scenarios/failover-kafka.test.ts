/** Failover safety on a 3-node Kafka 4.4.0 cluster: the bounded and long schedules of failover-suite.ts. */
import { describeFailover } from './failover-suite.ts';

describeFailover('kafka@4.4.0');
