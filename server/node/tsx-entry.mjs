/**
 * Entry of the server's worker threads and child processes (supervisor.ts): they do not
 * inherit a TypeScript loader, so this plain module registers tsx's and then loads the
 * TypeScript module named by its first argument.
 */
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
