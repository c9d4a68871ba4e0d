import { describeImportRoundTrip } from '../shared/import-round-trip.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeImportRoundTrip('Workers + D1 (workerd)', startWorkerTarget);
