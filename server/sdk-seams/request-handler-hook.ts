/**
 * SDK SEAM (protected member): `Server._wrapHandler(method, handler)`, the hook the SDK calls when
 * it installs a request handler, documented for subclasses. Why: a tool that only runs as a task
 * must answer -32021 before the SDK turns a throw inside a tool callback into an `isError` result,
 * and wrapping the finished handler again would verify `requestState` twice (rejecting it). The
 * SDK 2.4 has no public hook before tools/call dispatch. Checked by test/sdk-seams/seams.test.ts.
 */
import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import { SdkSeamError } from './seam-error.ts';

export type RequestHandler = (request: unknown, ctx: ServerContext) => Promise<unknown>;
type HandlerHook = { _wrapHandler(method: string, handler: RequestHandler): RequestHandler };

/**
 * Runs `before(request, ctx)` ahead of the SDK's own handler for `method`, inside the SDK's
 * wrapping (so a throw is a JSON-RPC error). Install before the handler is registered.
 */
export function beforeRequestHandler(
  server: McpServer,
  method: string,
  before: (request: unknown, ctx: ServerContext) => void,
): void {
  const inner = server.server as unknown as Partial<HandlerHook>;
  if (typeof inner._wrapHandler !== 'function') throw new SdkSeamError('Server._wrapHandler');
  const wrap = inner._wrapHandler.bind(server.server);
  inner._wrapHandler = (name, handler) => {
    if (name !== method) return wrap(name, handler);
    return wrap(name, async (request, ctx) => {
      before(request, ctx);
      return handler(request, ctx);
    });
  };
}
