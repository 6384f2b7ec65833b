/**
 * One connection to an MCP endpoint over Streamable HTTP, with the same small surface whichever SDK
 * generation speaks the chosen protocol revision:
 *
 * - 2025-era revisions (2025-11-25, 2025-06-18, 2025-03-26): the v1 SDK `Client`
 *   (`@modelcontextprotocol/sdk`), the `initialize` handshake. The v1 client always offers its
 *   latest revision, so an older one is requested by rewriting `initialize.params.protocolVersion`
 *   in a transport subclass, which is what an older 1.x release would have sent.
 * - 2026-07-28: the v2 SDK `Client` (`@modelcontextprotocol/client`) pinned to that revision:
 *   `server/discover`, no handshake, a `_meta` envelope on every request.
 */
import type { StreamableHTTPClientTransport as TransportV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { usesModernClient, type ProtocolVersion } from './config.ts';
import type { HttpObserver } from './http-observer.ts';

export const CLIENT_INFO = { name: 'stateless-mcp-smoke', version: '0.1.0' } as const;

export type JsonSchema = Record<string, unknown>;

export interface ToolInfo {
  readonly name: string;
  readonly title?: string;
  readonly description?: string;
  readonly inputSchema: JsonSchema;
  readonly outputSchema?: JsonSchema;
}

export interface ToolResult {
  readonly content: ReadonlyArray<{ readonly type: string; readonly text?: string }>;
  readonly structuredContent?: Record<string, unknown>;
  readonly isError?: boolean;
}

export interface ResourceInfo {
  readonly uri: string;
  readonly name: string;
  readonly mimeType?: string;
}

export interface ResourceTemplateInfo {
  readonly uriTemplate: string;
  readonly name: string;
}

export interface ResourceContents {
  readonly uri: string;
  readonly mimeType?: string;
  readonly text?: string;
  readonly blob?: string;
}

export interface PromptInfo {
  readonly name: string;
  readonly arguments?: ReadonlyArray<{ readonly name: string; readonly required?: boolean }>;
}

export interface PromptResult {
  readonly messages: ReadonlyArray<{ readonly role: string; readonly content: unknown }>;
}

/** As the SDKs parse a progress notification: an absent field may be present as `undefined`. */
export interface ProgressUpdate {
  readonly progress: number;
  readonly total?: number | undefined;
  readonly message?: string | undefined;
}

export interface CallOptions {
  /** Asks for progress (the SDK adds a progressToken) and receives each notification. */
  readonly onProgress?: (update: ProgressUpdate) => void;
}

export interface ServerCapabilitiesInfo {
  readonly tools?: unknown;
  readonly resources?: unknown;
  readonly prompts?: unknown;
}

export interface McpSession {
  readonly era: 'legacy' | 'modern';
  /** The revision the server agreed to (initialize result, or the pinned discover revision). */
  readonly protocolVersion: string | undefined;
  readonly serverInfo: { readonly name: string; readonly version: string } | undefined;
  readonly capabilities: ServerCapabilitiesInfo;
  listTools(): Promise<ToolInfo[]>;
  listResources(): Promise<ResourceInfo[]>;
  listResourceTemplates(): Promise<ResourceTemplateInfo[]>;
  listPrompts(): Promise<PromptInfo[]>;
  callTool(name: string, args: Record<string, unknown>, options?: CallOptions): Promise<ToolResult>;
  readResource(uri: string): Promise<ResourceContents[]>;
  getPrompt(name: string, args: Record<string, string>): Promise<PromptResult>;
  close(): Promise<void>;
}

export interface SessionOptions {
  readonly url: URL;
  readonly token: string | undefined;
  readonly timeoutMs: number;
  readonly protocol: ProtocolVersion;
  readonly observer: HttpObserver;
}

/** Bounds pagination so a server that keeps returning cursors cannot loop us forever. */
const MAX_PAGES = 100;

function requestInit(token: string | undefined): RequestInit {
  return token ? { headers: { Authorization: `Bearer ${token}` } } : {};
}

/** A v1 transport that offers a chosen 2025-era revision in `initialize` instead of the SDK's latest. */
function versionedTransportV1(Base: typeof TransportV1, offeredVersion: string): typeof TransportV1 {
  return class VersionedTransportV1 extends Base {
    override send(
      message: JSONRPCMessage | JSONRPCMessage[],
      options?: Parameters<TransportV1['send']>[1],
    ): Promise<void> {
      const rewrite = (m: JSONRPCMessage): JSONRPCMessage =>
        'method' in m && m.method === 'initialize' && 'id' in m
          ? ({ ...m, params: { ...m.params, protocolVersion: offeredVersion } } as JSONRPCMessage)
          : m;
      return super.send(Array.isArray(message) ? message.map(rewrite) : rewrite(message), options);
    }
  };
}

async function walkPages<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { items, nextCursor } = await fetchPage(cursor);
    all.push(...items);
    if (!nextCursor || nextCursor === cursor) return all;
    cursor = nextCursor;
  }
  throw new Error(`pagination did not end after ${MAX_PAGES} pages`);
}

type V1Modules = [
  typeof import('@modelcontextprotocol/sdk/client/index.js'),
  typeof import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
];
type V2Module = typeof import('@modelcontextprotocol/client');

async function openLegacy(
  [{ Client }, { StreamableHTTPClientTransport }]: V1Modules,
  options: SessionOptions,
): Promise<McpSession> {
  const timeout = options.timeoutMs;
  const Transport = versionedTransportV1(StreamableHTTPClientTransport, options.protocol);
  const transport = new Transport(options.url, {
    requestInit: requestInit(options.token),
    fetch: options.observer.fetch,
  });
  const client = new Client({ ...CLIENT_INFO }, { capabilities: {} });
  await client.connect(transport, { timeout });
  const server = client.getServerVersion();
  return {
    era: 'legacy',
    protocolVersion: transport.protocolVersion,
    serverInfo: server ? { name: server.name, version: server.version } : undefined,
    capabilities: client.getServerCapabilities() ?? {},
    listTools: () =>
      walkPages(async (cursor) => {
        const page = await client.listTools(cursor ? { cursor } : {}, { timeout });
        return { items: page.tools as ToolInfo[], nextCursor: page.nextCursor };
      }),
    listResources: () =>
      walkPages(async (cursor) => {
        const page = await client.listResources(cursor ? { cursor } : {}, { timeout });
        return { items: page.resources as ResourceInfo[], nextCursor: page.nextCursor };
      }),
    listResourceTemplates: () =>
      walkPages(async (cursor) => {
        const page = await client.listResourceTemplates(cursor ? { cursor } : {}, { timeout });
        return { items: page.resourceTemplates as ResourceTemplateInfo[], nextCursor: page.nextCursor };
      }),
    listPrompts: () =>
      walkPages(async (cursor) => {
        const page = await client.listPrompts(cursor ? { cursor } : {}, { timeout });
        return { items: page.prompts as PromptInfo[], nextCursor: page.nextCursor };
      }),
    async callTool(name, args, callOptions) {
      const onProgress = callOptions?.onProgress;
      const result = await client.callTool({ name, arguments: args }, undefined, {
        timeout,
        ...(onProgress ? { onprogress: (p) => onProgress(p), resetTimeoutOnProgress: true } : {}),
      });
      return result as ToolResult;
    },
    async readResource(uri) {
      const result = await client.readResource({ uri }, { timeout });
      return result.contents as ResourceContents[];
    },
    async getPrompt(name, args) {
      return (await client.getPrompt({ name, arguments: args }, { timeout })) as PromptResult;
    },
    close: () => client.close(),
  };
}

async function openModern(
  { Client, StreamableHTTPClientTransport }: V2Module,
  options: SessionOptions,
): Promise<McpSession> {
  const timeout = options.timeoutMs;
  const transport = new StreamableHTTPClientTransport(options.url, {
    requestInit: requestInit(options.token),
    fetch: options.observer.fetch,
  });
  const client = new Client(
    { ...CLIENT_INFO },
    { capabilities: {}, versionNegotiation: { mode: { pin: options.protocol } } },
  );
  await client.connect(transport, { timeout });
  const server = client.getServerVersion();
  return {
    era: 'modern',
    protocolVersion: client.getNegotiatedProtocolVersion(),
    serverInfo: server ? { name: server.name, version: server.version } : undefined,
    capabilities: client.getServerCapabilities() ?? {},
    // Without a cursor the v2 client walks every page itself (bounded by its listMaxPages).
    listTools: async () => (await client.listTools(undefined, { timeout })).tools as ToolInfo[],
    listResources: async () => (await client.listResources(undefined, { timeout })).resources as ResourceInfo[],
    listResourceTemplates: async () =>
      (await client.listResourceTemplates(undefined, { timeout })).resourceTemplates as ResourceTemplateInfo[],
    listPrompts: async () => (await client.listPrompts(undefined, { timeout })).prompts as PromptInfo[],
    async callTool(name, args, callOptions) {
      const onProgress = callOptions?.onProgress;
      const result = await client.callTool(
        { name, arguments: args },
        {
          timeout,
          ...(onProgress ? { onprogress: (p: ProgressUpdate) => onProgress(p), resetTimeoutOnProgress: true } : {}),
        },
      );
      return result as ToolResult;
    },
    async readResource(uri) {
      return (await client.readResource({ uri }, { timeout })).contents as ResourceContents[];
    },
    async getPrompt(name, args) {
      return (await client.getPrompt({ name, arguments: args }, { timeout })) as PromptResult;
    },
    close: () => client.close(),
  };
}

/** Connects (initialize or discover) and returns the session; rejects with the SDK's error. */
export type Connector = (options: SessionOptions) => Promise<McpSession>;

/**
 * Loads the SDK generation that speaks `protocol` (and only that one), so that connecting can be
 * timed without module loading.
 */
export async function loadConnector(protocol: ProtocolVersion): Promise<Connector> {
  if (usesModernClient(protocol)) {
    const v2 = await import('@modelcontextprotocol/client');
    return (options) => openModern(v2, options);
  }
  const v1 = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
  ]);
  return (options) => openLegacy(v1, options);
}

export async function openSession(options: SessionOptions): Promise<McpSession> {
  return (await loadConnector(options.protocol))(options);
}
