/**
 * Entry of the reader thread. Worker threads do not inherit a TypeScript loader, so this
 * plain module registers tsx's and then loads the TypeScript thread code.
 */
import { register } from 'tsx/esm/api';

register();
await import('./reader-worker.ts');
