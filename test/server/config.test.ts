/**
 * The MCP function's configuration is checked like the authorizer's: every problem reported at
 * once, booleans spelled exactly as Terraform and the docs write them, numbers checked.
 */
import { describe, expect, it } from 'vitest';
import { readServerConfig, ServerConfigError } from '../../server/config.ts';

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    readServerConfig(env);
  } catch (error) {
    if (error instanceof ServerConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('MCP server configuration', () => {
  it('reads what Terraform sets', () => {
    const config = readServerConfig({
      AWS_LAMBDA_FUNCTION_NAME: 'mcp',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
      STREAMING_ENABLED: 'true',
      MCP_TASKS_TABLE: 'tasks',
    });
    expect(config).toMatchObject({
      functionName: 'mcp',
      memorySizeMb: 512,
      streamingEnabled: true,
      taskStore: { kind: 'dynamodb', tableName: 'tasks' },
    });
  });

  it('defaults what is unset: streaming off, no task store, memory 0 outside Lambda', () => {
    expect(readServerConfig({})).toMatchObject({ streamingEnabled: false, taskStore: undefined, memorySizeMb: 0 });
    expect(readServerConfig({ STREAMING_ENABLED: 'false' })).toMatchObject({ streamingEnabled: false });
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ STREAMING_ENABLED: 'yes', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '1.5GB' })).toEqual([
      'AWS_LAMBDA_FUNCTION_MEMORY_SIZE must be a positive whole number of MB, got "1.5GB"',
      'STREAMING_ENABLED must be "true" or "false", got "yes"',
    ]);
  });

  it.each(['0', '-128', '128.5', 'abc', ' '])('refuses memory size %j', (raw) => {
    expect(problemsOf({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: raw })).toHaveLength(1);
  });

  it.each(['TRUE', 'on', '1', 'True '])('refuses STREAMING_ENABLED=%j (not how Terraform writes a bool)', (raw) => {
    expect(problemsOf({ STREAMING_ENABLED: raw })).toHaveLength(1);
  });

  it('names the error and every problem in its message', () => {
    expect(() => readServerConfig({ AWS_LAMBDA_FUNCTION_MEMORY_SIZE: 'x', STREAMING_ENABLED: 'y' })).toThrow(
      /^Invalid MCP server configuration: AWS_LAMBDA_FUNCTION_MEMORY_SIZE .*; STREAMING_ENABLED /,
    );
  });
});
