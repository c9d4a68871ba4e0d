import { describeDashboardGoals } from '../shared/dashboard-goals.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeDashboardGoals('Workers + D1 (workerd)', startWorkerTarget);
