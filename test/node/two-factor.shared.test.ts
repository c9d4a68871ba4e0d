import { startNodeTarget } from '../shared/node-target.ts';
import { describeTwoFactor } from '../shared/two-factor.suite.ts';

describeTwoFactor('Node + better-sqlite3', startNodeTarget);
