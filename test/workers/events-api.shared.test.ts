import { describeEventsApi } from '../shared/events-api.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeEventsApi('Workers + D1 (workerd)', startWorkerTarget);
