/**
 * Entry of the columnar copy's process. A child process does not inherit a TypeScript
 * loader, so this plain module registers tsx's and then loads the TypeScript code.
 */
import { register } from 'tsx/esm/api';

register();
await import('./copy-process.ts');
