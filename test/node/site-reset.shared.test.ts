import { startNodeTarget } from '../shared/node-target.ts';
import { describeSiteReset } from '../shared/site-reset.suite.ts';

describeSiteReset('Node + better-sqlite3', startNodeTarget);
