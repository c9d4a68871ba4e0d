import { describeSiteReset } from '../shared/site-reset.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeSiteReset('Workers + D1 (workerd)', startWorkerTarget);
