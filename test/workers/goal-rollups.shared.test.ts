import { describeGoalRollups } from '../shared/goal-rollups.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeGoalRollups('Workers + D1 (workerd)', startWorkerTarget, { runs: 3 });
