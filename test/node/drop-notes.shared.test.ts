import { startNodeTarget } from '../shared/node-target.ts';
import { describeDropNotes } from '../shared/drop-notes.suite.ts';

describeDropNotes('Node + better-sqlite3', startNodeTarget);
