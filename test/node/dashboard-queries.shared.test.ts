import { describeDashboardQueries } from '../shared/dashboard-queries.suite.ts';
import { startNodeTarget } from '../shared/node-target.ts';

describeDashboardQueries('Node + better-sqlite3', startNodeTarget);
