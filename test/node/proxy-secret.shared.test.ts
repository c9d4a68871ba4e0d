import { startNodeTarget } from '../shared/node-target.ts';
import { describeProxySecret } from '../shared/proxy-secret.suite.ts';

describeProxySecret('Node + better-sqlite3', startNodeTarget, { proxiedCountry: 'NO' });
