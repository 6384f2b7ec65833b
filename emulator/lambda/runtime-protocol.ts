/** Messages between the emulator and the Lambda runtime it runs in each child process. */

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
  /** `payloadBytes`: the size of the result as JSON, measured here so the emulator need not serialise it again. */
  | {
      readonly type: 'result';
      readonly requestId: string;
      readonly result: unknown;
      readonly payloadBytes: number;
      readonly maxRssBytes: number;
    }
  /** A piece of a streamed response (base64), sent as the function writes it. */
  | { readonly type: 'chunk'; readonly requestId: string; readonly data: string }
  | {
      readonly type: 'error';
      readonly requestId: string;
      readonly error: FunctionErrorPayload;
      readonly maxRssBytes: number;
    };
