import { startNodeTarget } from '../shared/node-target.ts';
import { describeImportRoundTrip } from '../shared/import-round-trip.suite.ts';

describeImportRoundTrip('Node + better-sqlite3', startNodeTarget);
