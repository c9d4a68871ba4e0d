import { describeEventsApi } from '../shared/events-api.suite.ts';
import { startNodeTarget } from '../shared/node-target.ts';

describeEventsApi('Node + better-sqlite3', startNodeTarget);
