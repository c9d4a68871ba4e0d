import { describeImportsQuery } from '../shared/imports-query.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeImportsQuery('Workers + D1 (workerd)', startWorkerTarget);
