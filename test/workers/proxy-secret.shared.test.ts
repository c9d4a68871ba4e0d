import { describeProxySecret } from '../shared/proxy-secret.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeProxySecret('Workers + D1 (workerd)', startWorkerTarget, { proxiedCountry: null });
