import { describeDashboardQueries } from '../shared/dashboard-queries.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeDashboardQueries('Workers + D1 (workerd)', startWorkerTarget);
