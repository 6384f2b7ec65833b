/**
 * Identity and counters of the execution environment this module was loaded in.
 *
 * Lambda reuses an environment for many sequential invocations and loads the module once per
 * environment, so module scope is exactly "per environment". This is what makes horizontal
 * scaling visible to clients; it is not client state: nothing here depends on who calls.
 */
const loadedAt = Date.now();
let requestsServed = 0;

export interface InvocationStats {
  /** 1 for the first request this environment serves. */
  readonly requestNumber: number;
  readonly coldStart: boolean;
  readonly environmentAgeMs: number;
}

/** Counts one more invocation; the Lambda entry calls it once per invocation, whatever the route. */
export function recordInvocation(): void {
  requestsServed += 1;
}

export function currentInvocation(): InvocationStats {
  return {
    requestNumber: requestsServed,
    coldStart: requestsServed <= 1,
    environmentAgeMs: Date.now() - loadedAt,
  };
}
