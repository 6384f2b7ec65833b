/** Moved to shared/lambda-log-lines.ts (the emulator writes these lines, the load report reads them). */
export * from '../../shared/lambda-log-lines.ts';
