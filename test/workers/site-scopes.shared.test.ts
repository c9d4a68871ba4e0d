import { describeSiteScopes } from '../shared/site-scopes.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeSiteScopes('Workers + D1 (workerd)', startWorkerTarget);
