import { describeFunnelsApi } from '../shared/funnels-api.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeFunnelsApi('Workers + D1 (workerd)', startWorkerTarget, { runs: 40 });
