/** Moved to shared/lambda-artifacts.ts (emulator and scripts both use it); import it from there. */
export * from '../shared/lambda-artifacts.ts';
