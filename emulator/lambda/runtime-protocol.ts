/**
 * Messages between the emulator and the Lambda runtime it runs in each child process: the headers
 * of the frames on their channel (runtime-channel.ts). Bytes travel as the frame's payload.
 */

/** Lambda's synchronous invocation payload quota, request and response (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html). */
export const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface InvokeMessage {
  readonly type: 'invoke';
  readonly requestId: string;
  readonly event: unknown;
  readonly deadlineEpochMs: number;
  readonly invokedFunctionArn: string;
}

export interface FunctionErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

export type RuntimeMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'init-error'; readonly error: FunctionErrorPayload }
  /**
   * `payloadBytes`: the size of the result as JSON when it may exceed LAMBDA_PAYLOAD_BYTES, else an
   * upper bound of it (at most the quota). Measured here, so neither side serialises a result twice.
   * `bodyInPayload`: the result was an object whose `body` is a string; that body is the frame's
   * payload (as UTF-8) and is not in `result`.
   */
  | {
      readonly type: 'result';
      readonly requestId: string;
      readonly result: unknown;
      readonly bodyInPayload: boolean;
      readonly payloadBytes: number;
      readonly maxRssBytes: number;
    }
  /** A piece of a streamed response, sent as the function writes it: the frame's payload. */
  | { readonly type: 'chunk'; readonly requestId: string }
  | {
      readonly type: 'error';
      readonly requestId: string;
      readonly error: FunctionErrorPayload;
      readonly maxRssBytes: number;
    };
