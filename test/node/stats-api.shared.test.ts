import { startNodeTarget } from '../shared/node-target.ts';
import { describeStatsApi } from '../shared/stats-api.suite.ts';

describeStatsApi('Node + better-sqlite3', startNodeTarget);
