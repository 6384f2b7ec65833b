/** Moved to shared/tools-dir.ts (emulator and scripts both use it); import it from there. */
export * from '../shared/tools-dir.ts';
