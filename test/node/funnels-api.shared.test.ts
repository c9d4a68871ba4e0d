import { startNodeTarget } from '../shared/node-target.ts';
import { describeFunnelsApi } from '../shared/funnels-api.suite.ts';

describeFunnelsApi('Node + better-sqlite3', startNodeTarget, { runs: 100 });
