import { describeImports } from '../shared/imports.suite.ts';
import { startNodeTarget } from '../shared/node-target.ts';

describeImports('Node + SQLite', startNodeTarget);
