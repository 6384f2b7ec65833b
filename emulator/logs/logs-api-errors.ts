/** Errors of the CloudWatch Logs API as its JSON protocol answers them (`__type`), and the checks that raise them. */
import type { LogGroup } from './log-group.ts';
import type { LogStore } from './log-store.ts';

export type Json = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export function findGroup(store: LogStore, request: Json): LogGroup {
  const name =
    request.logGroupName ??
    (typeof request.logGroupIdentifier === 'string'
      ? request.logGroupIdentifier.split(':log-group:').pop()
      : undefined);
  const found = typeof name === 'string' ? store.groups.get(name) : undefined;
  if (!found) throw new ApiError('ResourceNotFoundException', 'The specified log group does not exist.');
  return found;
}

/** `limit` as AWS validates it: a whole number within the operation's range, else InvalidParameterException. */
export function limitOf(request: Json, maxLimit: number): number {
  if (request.limit === undefined || request.limit === null) return maxLimit;
  const limit = request.limit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    throw new ApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and ${maxLimit}`,
    );
  }
  return limit;
}

export function unknownOperation(operation: string): ApiError {
  return new ApiError('UnknownOperationException', `Operation ${operation} is not emulated`);
}

export function invalidToken(): ApiError {
  return new ApiError('InvalidParameterException', 'The specified nextToken is invalid or has expired.');
}

/** An optional timestamp parameter: a number of milliseconds >= 0, else InvalidParameterException. */
export function optionalNumber(request: Json, name: string): number | undefined {
  const value = request[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ApiError(
      'InvalidParameterException',
      `1 validation error detected: Value '${String(value)}' at '${name}' failed to satisfy constraint: Member must have value greater than or equal to 0`,
    );
  }
  return value;
}
