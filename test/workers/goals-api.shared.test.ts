import { describeGoalsApi } from '../shared/goals-api.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeGoalsApi('Workers + D1 (workerd)', startWorkerTarget);
