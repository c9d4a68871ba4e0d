import { startNodeTarget } from '../shared/node-target.ts';
import { describeGoalsApi } from '../shared/goals-api.suite.ts';

describeGoalsApi('Node + better-sqlite3', startNodeTarget);
