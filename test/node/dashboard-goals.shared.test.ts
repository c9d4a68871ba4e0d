import { startNodeTarget } from '../shared/node-target.ts';
import { describeDashboardGoals } from '../shared/dashboard-goals.suite.ts';

describeDashboardGoals('Node + better-sqlite3', startNodeTarget);
