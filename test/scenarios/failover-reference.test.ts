/** Failover safety on the 3-node reference cluster: the bounded and long schedules of failover-suite.ts. */
import { describeFailover } from './failover-suite.ts';

describeFailover('reference');
