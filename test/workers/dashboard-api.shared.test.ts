import { describeDashboardApi } from '../shared/dashboard-api.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeDashboardApi('Workers + D1 (workerd)', startWorkerTarget);
