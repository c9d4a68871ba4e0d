import { startNodeTarget } from '../shared/node-target.ts';
import { describeImportsQuery } from '../shared/imports-query.suite.ts';

describeImportsQuery('Node + better-sqlite3', startNodeTarget);
