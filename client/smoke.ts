/**
 * The smoke check: connect, list and exercise everything the server offers, then probe its
 * authorization surface. Produces a report; rendering and exit codes are the caller's.
 */
import { checkResourceMetadata, probeWithoutToken, probeWrongToken } from './auth-probe.ts';
import {
  roundMs,
  skipped,
  summarise,
  timed,
  type CheckOutcome,
  type CheckResult,
  type CheckSummary,
} from './checks.ts';
import { clientDescription, usesModernClient, type ClientConfig, type ProtocolVersion } from './config.ts';
import { contextFor, diagnose, EXIT_CODES, type Diagnosis, type ExitCode } from './diagnose.ts';
import { HttpObserver } from './http-observer.ts';
import { planArguments, promptArguments, type ExpectationProblem } from './sample-args.ts';
import { validate } from './schema-validator.ts';
import { loadConnector, type McpSession, type ToolInfo } from './session.ts';

export interface ProtocolInfo {
  readonly requested: ProtocolVersion;
  readonly negotiated: string | null;
  readonly client: string;
}

export interface SmokeReport {
  readonly command: 'smoke';
  readonly url: string;
  readonly protocol: ProtocolInfo;
  readonly authExpected: boolean;
  readonly server: { readonly name: string; readonly version: string } | null;
  readonly checks: readonly CheckResult[];
  readonly summary: CheckSummary & { readonly ok: boolean; readonly exitCode: ExitCode; readonly durationMs: number };
  /** Set when the run could not get past connecting. */
  readonly error: { readonly kind: string; readonly message: string; readonly hint: string } | null;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function textOf(result: { content: ReadonlyArray<{ type: string; text?: string }> }): string {
  return result.content
    .map((c) => (c.type === 'text' && c.text ? c.text : `[${c.type}]`))
    .join(' ')
    .slice(0, 200);
}

async function checkTool(session: McpSession, tool: ToolInfo, authExpected: boolean): Promise<CheckOutcome> {
  const plan = planArguments(tool);
  if (plan.kind === 'skip') return { status: 'skip', detail: plan.reason };
  if (plan.kind === 'generated') {
    const valid = validate({ type: 'object', ...tool.inputSchema }, plan.args);
    if (!valid.ok)
      return {
        status: 'skip',
        detail: `skipped: no sample (generated arguments fail its inputSchema: ${valid.errors}; add one to client/sample-args.ts)`,
      };
  }
  const wantsProgress = plan.kind === 'sample' && plan.sample.progress === true;
  let progressUpdates = 0;
  const result = await session.callTool(
    tool.name,
    plan.args,
    wantsProgress ? { onProgress: () => (progressUpdates += 1) } : {},
  );

  if (result.isError)
    return {
      status: 'fail',
      detail: `the tool answered isError: ${textOf(result)}`,
      hint: "valid sample arguments should succeed: read the tool's error",
    };
  const notes: string[] = [];
  if (plan.kind === 'generated') notes.push(`generated args ${JSON.stringify(plan.args)}`);
  if (tool.outputSchema) {
    if (result.structuredContent === undefined) {
      return {
        status: 'fail',
        detail: 'no structuredContent although the tool declares an outputSchema (spec: Tools, "Output Schema")',
      };
    }
    const valid = validate(tool.outputSchema, result.structuredContent);
    if (!valid.ok)
      return { status: 'fail', detail: `structuredContent does not match the outputSchema: ${valid.errors}` };
    notes.push('structuredContent matches outputSchema');
  } else {
    if (!Array.isArray(result.content) || result.content.length === 0)
      return { status: 'fail', detail: 'empty content and no outputSchema' };
    notes.push(`${plural(result.content.length, 'content block')}, no outputSchema`);
  }
  if (wantsProgress) notes.push(plural(progressUpdates, 'progress notification'));

  let problem: ExpectationProblem | undefined;
  if (plan.kind === 'sample' && plan.sample.expect) {
    problem = plan.sample.expect(result.structuredContent ?? {}, { authExpected, progressUpdates });
  }
  if (problem) return { status: problem.level, detail: `${problem.message}; ${notes.join(', ')}` };
  return { status: 'pass', detail: notes.join(', ') };
}

async function checkResourceRead(session: McpSession, uri: string): Promise<CheckOutcome> {
  const contents = await session.readResource(uri);
  if (contents.length === 0) return { status: 'fail', detail: 'no contents' };
  const first = contents[0]!;
  if (first.uri !== uri) return { status: 'fail', detail: `contents are for ${first.uri}, asked for ${uri}` };
  if (first.text === undefined && first.blob === undefined)
    return { status: 'fail', detail: 'contents carry neither text nor blob' };
  if (first.text !== undefined && first.mimeType?.includes('json')) {
    try {
      JSON.parse(first.text);
    } catch {
      return { status: 'fail', detail: `declared ${first.mimeType} but the text is not JSON` };
    }
  }
  const size = first.text?.length ?? first.blob?.length ?? 0;
  return {
    status: 'pass',
    detail: `${plural(contents.length, 'content')}, ${first.mimeType ?? 'no mimeType'}, ${size} chars`,
  };
}

async function checkPrompt(session: McpSession, name: string, args: Record<string, string>): Promise<CheckOutcome> {
  const result = await session.getPrompt(name, args);
  if (!Array.isArray(result.messages) || result.messages.length === 0) return { status: 'fail', detail: 'no messages' };
  const badRole = result.messages.find((m) => m.role !== 'user' && m.role !== 'assistant');
  if (badRole) return { status: 'fail', detail: `a message has role '${badRole.role}'` };
  return { status: 'pass', detail: `${plural(result.messages.length, 'message')} for ${JSON.stringify(args)}` };
}

export async function runSmoke(config: ClientConfig): Promise<SmokeReport> {
  const started = performance.now();
  const observer = new HttpObserver();
  const checks: CheckResult[] = [];
  const context = contextFor(config, observer);
  let connected = false;
  const onError = (error: unknown): Omit<CheckOutcome, 'status'> => {
    const diagnosis = diagnose(error, context('request'));
    const hint =
      connected && diagnosis.kind === 'auth' && diagnosis.httpStatus === 403
        ? 'the authorizer allowed the connection but denied this call: API Gateway caches the first policy per token for every method, so the policy must cover the whole API (e.g. arn:...:<api-id>/<stage>/*)'
        : diagnosis.hint;
    return { detail: diagnosis.message, hint, kind: diagnosis.kind };
  };

  const requested = config.protocol;
  const connectName = usesModernClient(requested)
    ? `connect: server/discover (${requested})`
    : `connect: initialize (${requested})`;
  let session: McpSession | undefined;
  let fatal: Diagnosis | undefined;
  const connect = await loadConnector(requested);
  const connectStarted = performance.now();
  try {
    session = await connect({
      url: config.url,
      token: config.token,
      timeoutMs: config.timeoutMs,
      protocol: requested,
      observer,
    });
    connected = true;
    const server = session.serverInfo ? `${session.serverInfo.name} ${session.serverInfo.version}` : 'anonymous server';
    const negotiated = session.protocolVersion ?? 'unknown';
    checks.push({
      name: connectName,
      status: negotiated === requested ? 'pass' : 'warn',
      detail:
        negotiated === requested
          ? `${server}, protocol ${negotiated}`
          : `${server}: asked for ${requested}, the server chose ${negotiated}`,
      latencyMs: roundMs(performance.now() - connectStarted),
    });
  } catch (error) {
    fatal = diagnose(error, context('connect'));
    checks.push({
      name: connectName,
      status: 'fail',
      detail: fatal.message,
      hint: fatal.hint,
      kind: fatal.kind,
      latencyMs: roundMs(performance.now() - connectStarted),
    });
  }

  if (session) {
    try {
      await exerciseServer(session, config, checks, onError);
    } finally {
      await session.close().catch(() => undefined);
    }
    await probeAuth(config, checks, onError);
  }

  const summary = summarise(checks);
  const exitCode: ExitCode = fatal ? fatal.exitCode : summary.failed > 0 ? EXIT_CODES.checksFailed : EXIT_CODES.ok;
  return {
    command: 'smoke',
    url: config.url.href,
    protocol: { requested, negotiated: session?.protocolVersion ?? null, client: clientDescription(requested) },
    authExpected: config.expectAuth,
    server: session?.serverInfo ?? null,
    checks,
    summary: { ...summary, ok: exitCode === EXIT_CODES.ok, exitCode, durationMs: roundMs(performance.now() - started) },
    error: fatal ? { kind: fatal.kind, message: fatal.message, hint: fatal.hint } : null,
  };
}

type OnError = (error: unknown) => Omit<CheckOutcome, 'status'>;

async function exerciseServer(
  session: McpSession,
  config: ClientConfig,
  checks: CheckResult[],
  onError: OnError,
): Promise<void> {
  const { capabilities } = session;

  // Tools: list, then call each one with valid arguments.
  if (!capabilities.tools) {
    checks.push(skipped('tools/list', 'skipped: the server advertises no tools capability'));
  } else {
    let tools: ToolInfo[] = [];
    checks.push(
      await timed(
        'tools/list',
        async () => {
          tools = await session.listTools();
          return tools.length === 0
            ? { status: 'warn', detail: 'no tools listed' }
            : { status: 'pass', detail: `${plural(tools.length, 'tool')}: ${tools.map((t) => t.name).join(', ')}` };
        },
        onError,
      ),
    );
    for (const tool of tools) {
      checks.push(await timed(`tools/call ${tool.name}`, () => checkTool(session, tool, config.expectAuth), onError));
    }
  }

  // Resources: list (with templates), then read the first concrete one.
  if (!capabilities.resources) {
    checks.push(skipped('resources/list', 'skipped: the server advertises no resources capability'));
  } else {
    let firstUri: string | undefined;
    checks.push(
      await timed(
        'resources/list',
        async () => {
          const [resources, templates] = await Promise.all([session.listResources(), session.listResourceTemplates()]);
          firstUri = resources[0]?.uri;
          return {
            status: 'pass',
            detail: `${plural(resources.length, 'resource')}, ${plural(templates.length, 'template')}${templates.length > 0 ? ` (${templates.map((t) => t.uriTemplate).join(', ')})` : ''}`,
          };
        },
        onError,
      ),
    );
    if (firstUri) {
      const uri = firstUri;
      checks.push(await timed(`resources/read ${uri}`, () => checkResourceRead(session, uri), onError));
    } else {
      checks.push(skipped('resources/read', 'skipped: no concrete resource listed'));
    }
  }

  // Prompts: list, then get each one with sample arguments.
  if (!capabilities.prompts) {
    checks.push(skipped('prompts/list', 'skipped: the server advertises no prompts capability'));
  } else {
    let prompts: Awaited<ReturnType<McpSession['listPrompts']>> = [];
    checks.push(
      await timed(
        'prompts/list',
        async () => {
          prompts = await session.listPrompts();
          return {
            status: 'pass',
            detail: `${plural(prompts.length, 'prompt')}${prompts.length > 0 ? `: ${prompts.map((p) => p.name).join(', ')}` : ''}`,
          };
        },
        onError,
      ),
    );
    for (const prompt of prompts) {
      checks.push(
        await timed(
          `prompts/get ${prompt.name}`,
          () => checkPrompt(session, prompt.name, promptArguments(prompt)),
          onError,
        ),
      );
    }
  }
}

const AUTH_CHECKS = {
  noToken: 'auth: no token -> 401 + WWW-Authenticate',
  wrongToken: 'auth: wrong token refused',
  metadata: 'auth: RFC 9728 resource metadata',
} as const;

async function probeAuth(config: ClientConfig, checks: CheckResult[], onError: OnError): Promise<void> {
  if (!config.expectAuth) {
    const why =
      config.expectAuthMode === 'off'
        ? 'skipped: --expect-auth off'
        : 'skipped: auth not expected (no token given; use --expect-auth on to require it)';
    for (const name of Object.values(AUTH_CHECKS)) checks.push(skipped(name, why));
    return;
  }
  let metadataUrl: string | undefined;
  checks.push(
    await timed(
      AUTH_CHECKS.noToken,
      async () => {
        const probe = await probeWithoutToken(config.url, config.timeoutMs);
        metadataUrl = probe.metadataUrl;
        return probe.status === 'fail'
          ? {
              ...probe,
              hint: 'configure the API Gateway authorizer and its UNAUTHORIZED gateway response (terraform/), or use --expect-auth off where authorizers are not enforced',
            }
          : probe;
      },
      onError,
    ),
  );
  checks.push(await timed(AUTH_CHECKS.wrongToken, () => probeWrongToken(config.url, config.timeoutMs), onError));
  if (metadataUrl === undefined) {
    checks.push(skipped(AUTH_CHECKS.metadata, 'skipped: no resource_metadata URL in the 401 challenge'));
  } else {
    const target = metadataUrl;
    checks.push(
      await timed(AUTH_CHECKS.metadata, () => checkResourceMetadata(target, config.url, config.timeoutMs), onError),
    );
  }
}
