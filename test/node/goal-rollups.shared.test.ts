import { describeGoalRollups } from '../shared/goal-rollups.suite.ts';
import { startNodeTarget } from '../shared/node-target.ts';

describeGoalRollups('Node + better-sqlite3', startNodeTarget, { runs: 30 });
