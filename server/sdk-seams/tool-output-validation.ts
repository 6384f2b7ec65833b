/**
 * SDK SEAM (instance method): `McpServer.validateToolOutput(tool, result, toolName)`, which checks
 * every tools/call result against the tool's `outputSchema`. Why: a tool with an output schema may
 * answer with a task handle (CreateTaskResult, no `structuredContent`); its structured result comes
 * later with tasks/get. The SDK 2.4 offers no public switch. Checked by test/sdk-seams/seams.test.ts.
 */
import type { McpServer } from '@modelcontextprotocol/server';
import { SdkSeamError } from './seam-error.ts';

type OutputValidator = { validateToolOutput(tool: unknown, result: unknown, toolName: string): Promise<void> };

/** Results for which `skip(result)` is true are not validated; every other result is, as before. */
export function skipToolOutputValidation(server: McpServer, skip: (result: unknown) => boolean): void {
  const validator = server as unknown as Partial<OutputValidator>;
  if (typeof validator.validateToolOutput !== 'function') throw new SdkSeamError('McpServer.validateToolOutput');
  const validate = validator.validateToolOutput.bind(server);
  validator.validateToolOutput = async (tool, result, toolName) => {
    if (skip(result)) return;
    await validate(tool, result, toolName);
  };
}
