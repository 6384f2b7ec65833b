/**
 * The conformance profile is opt-in: its fixtures (the names the official suite calls) exist with
 * MCP_PROFILE=conformance and never in the default profile. Asserting both sides matters: an
 * unknown tool is a JSON-RPC error here, but a server that answered it with an isError result
 * would let `tools-call-simple-text`/`tools-call-error` pass without the fixtures.
 *
 * Real SDK clients talk to the server factory through the SDK's own web-standard handler
 * (`createMcpHandler`) in process: no network, no private internals.
 */
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, type AuthInfo } from '@modelcontextprotocol/server';
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serverFactoryFor } from '../fixtures/test-server/in-process.ts';
import { MODERN_PROTOCOL } from '../support/mcp-protocol.ts';

const KEY = 'conformance-profile-test-key-0123456789abcdef';
const URL_ = new URL('http://127.0.0.1/dev/mcp');

const FIXTURE_TOOLS = [
  'test_simple_text',
  'test_image_content',
  'test_audio_content',
  'test_embedded_resource',
  'test_multiple_content_types',
  'test_error_handling',
  'test_tool_with_progress',
  'test_tool_with_logging',
  'test_logging_tool',
  'test_sampling',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'test_missing_capability',
  'test_streaming_elicitation',
  'test_input_required_result_elicitation',
  'test_input_required_result_sampling',
  'test_input_required_result_list_roots',
  'test_input_required_result_request_state',
  'test_input_required_result_multiple_inputs',
  'test_input_required_result_multi_round',
  'test_input_required_result_tampered_state',
  'test_input_required_result_capabilities',
  'json_schema_2020_12_tool',
  'test_custom_header',
];
/** The tasks extension's fixtures (`tasks-*` scenarios): 2026-07-28 only, and only with a task store. */
const TASK_FIXTURE_TOOLS = [
  'greet',
  'slow_compute',
  'failing_job',
  'protocol_error_job',
  'confirm_delete',
  'multi_input',
  'test_tool_with_task',
];
const FIXTURE_RESOURCES = ['test://static-text', 'test://static-binary', 'test://watched-resource'];
const FIXTURE_PROMPTS = [
  'test_simple_prompt',
  'test_prompt_with_arguments',
  'test_prompt_with_embedded_resource',
  'test_prompt_with_image',
  'test_input_required_result_prompt',
];

type Profile = 'default' | 'conformance';
const TASK_STORE_DIR = mkdtempSync(path.join(tmpdir(), 'profile-tasks-'));

function handlerFor(profile: Profile, authInfo?: AuthInfo) {
  // The default profile is the product's server (the demo, as dist/ serves it).
  const env = { MCP_PROFILE: profile, MCP_REQUEST_STATE_KEY: KEY, MCP_TASK_STORE_DIR: TASK_STORE_DIR };
  const handler = createMcpHandler(serverFactoryFor(env, profile === 'default'), { legacy: 'stateless' });
  const fetchLike = (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    handler.fetch(new Request(input, init), authInfo ? { authInfo } : undefined);
  return { handler, fetch: fetchLike };
}

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function modernClient(profile: Profile): Promise<ModernClient> {
  const { handler, fetch } = handlerFor(profile);
  const client = new ModernClient(
    { name: 'profile-test', version: '1.0.0' },
    { versionNegotiation: { mode: { pin: MODERN_PROTOCOL } } },
  );
  await client.connect(new ModernTransport(URL_, { fetch }));
  closers.push(async () => {
    await client.close();
    await handler.close();
  });
  return client;
}

async function legacyClient(profile: Profile): Promise<LegacyClient> {
  const { handler, fetch } = handlerFor(profile);
  const client = new LegacyClient({ name: 'profile-test', version: '1.0.0' });
  await client.connect(new LegacyTransport(URL_, { fetch }));
  closers.push(async () => {
    await client.close();
    await handler.close();
  });
  return client;
}

describe('conformance profile (MCP_PROFILE=conformance)', () => {
  it('registers every fixture tool, resource, template and prompt the suite calls, next to the default tools', async () => {
    const client = await modernClient('conformance');
    const tools = (await client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining([...FIXTURE_TOOLS, ...TASK_FIXTURE_TOOLS, 'ping']));
    const resources = (await client.listResources()).resources.map((resource) => resource.uri);
    expect(resources).toEqual(expect.arrayContaining(FIXTURE_RESOURCES));
    const templates = (await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate);
    expect(templates).toContain('test://template/{id}/data');
    const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(prompts).toEqual(expect.arrayContaining(FIXTURE_PROMPTS));
  });

  it('answers the fixtures with their content (not an error result)', async () => {
    const client = await modernClient('conformance');
    const text = await client.callTool({ name: 'test_simple_text' });
    expect(text.isError ?? false).toBe(false);
    expect(text.content).toEqual([{ type: 'text', text: 'This is a simple text response for testing.' }]);
    const audio = await client.callTool({ name: 'test_audio_content', arguments: {} });
    expect(audio.content).toEqual([expect.objectContaining({ type: 'audio', mimeType: 'audio/wav' })]);
    const read = await client.readResource({ uri: 'test://template/123/data' });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual({
      id: '123',
      templateTest: true,
      data: 'Data for ID: 123',
    });
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg1', value: 'pa' },
    });
    expect(completion.completion.values).toEqual(['paris', 'park', 'party']);
  });

  it('advertises resources.subscribe on the 2025 wire only (it would hold subscriptions/listen open on 2026)', async () => {
    const legacy = await legacyClient('conformance');
    expect(legacy.getServerCapabilities()?.resources).toMatchObject({ subscribe: true, listChanged: false });
    await expect(legacy.subscribeResource({ uri: 'test://watched-resource' })).resolves.toEqual({});
    await expect(legacy.unsubscribeResource({ uri: 'test://watched-resource' })).resolves.toEqual({});
    const modern = await modernClient('conformance');
    expect(modern.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
  });

  it('registers the task fixtures on the 2026-07-28 wire only (the 2025 wire has v1 task semantics)', async () => {
    const legacy = await legacyClient('conformance');
    const tools = (await legacy.listTools()).tools.map((tool) => tool.name);
    expect(tools).toContain('test_simple_text');
    expect(tools.filter((name) => TASK_FIXTURE_TOOLS.includes(name))).toEqual([]);
  });

  it('answers greet synchronously with the exact text the suite checks', async () => {
    const client = await modernClient('conformance');
    expect((await client.callTool({ name: 'greet', arguments: { name: 'sep-2243' } })).content).toEqual([
      { type: 'text', text: 'Hello, sep-2243!' },
    ]);
  });

  it('refuses to start without a requestState key', () => {
    expect(() => serverFactoryFor({ MCP_PROFILE: 'conformance' })).toThrow(/MCP_REQUEST_STATE_KEY/);
  });
});

describe('default profile', () => {
  it('has none of the fixtures', async () => {
    for (const client of [await modernClient('default'), await legacyClient('default')]) {
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toContain('ping');
      expect(tools.filter((name) => [...FIXTURE_TOOLS, ...TASK_FIXTURE_TOOLS].includes(name))).toEqual([]);
      const resources = (await client.listResources()).resources.map((resource) => resource.uri);
      expect(resources.filter((uri) => uri.startsWith('test://'))).toEqual([]);
      const prompts = (await client.listPrompts()).prompts.map((prompt) => prompt.name);
      expect(prompts.filter((name) => FIXTURE_PROMPTS.includes(name))).toEqual([]);
      expect(client.getServerCapabilities()?.resources?.subscribe).toBeUndefined();
    }
  });

  it('answers a fixture tool call as an unknown tool: a JSON-RPC error, not a result', async () => {
    const client = await modernClient('default');
    await expect(client.callTool({ name: 'test_simple_text', arguments: {} })).rejects.toThrow(/test_simple_text/);
  });
});
