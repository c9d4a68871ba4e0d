import { startNodeTarget } from '../shared/node-target.ts';
import { describeSiteScopes } from '../shared/site-scopes.suite.ts';

describeSiteScopes('Node + better-sqlite3', startNodeTarget);
