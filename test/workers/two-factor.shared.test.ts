import { describeTwoFactor } from '../shared/two-factor.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeTwoFactor('Workers + D1 (workerd)', startWorkerTarget);
