import { startNodeTarget } from '../shared/node-target.ts';
import { describeDashboardApi } from '../shared/dashboard-api.suite.ts';

describeDashboardApi('Node + better-sqlite3', startNodeTarget);
