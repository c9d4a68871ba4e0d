import { describeGoalQueries } from '../shared/goal-queries.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeGoalQueries('Workers + D1 (workerd)', startWorkerTarget);
