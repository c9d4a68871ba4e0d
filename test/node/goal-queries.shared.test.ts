import { startNodeTarget } from '../shared/node-target.ts';
import { describeGoalQueries } from '../shared/goal-queries.suite.ts';

describeGoalQueries('Node + better-sqlite3', startNodeTarget);
