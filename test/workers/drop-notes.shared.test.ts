import { describeDropNotes } from '../shared/drop-notes.suite.ts';
import { startWorkerTarget } from './harness.ts';

describeDropNotes('Workers + D1 (workerd)', startWorkerTarget);
