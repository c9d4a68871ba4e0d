import { describeImports } from '../shared/imports.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeImports('Workers + D1 (workerd)', startWorkerTarget);
