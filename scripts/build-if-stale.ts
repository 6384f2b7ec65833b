/** Moved to shared/build-if-stale.ts (emulator and scripts both use it); import it from there. */
export * from '../shared/build-if-stale.ts';
