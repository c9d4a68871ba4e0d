import { describeStatsApi } from '../shared/stats-api.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeStatsApi('Workers + D1 (workerd)', startWorkerTarget);
