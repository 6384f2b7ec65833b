/**
 * What one load-test iteration sends and how its answers are judged: an MCP client session of
 * either protocol era, as plain data. No k6 and no Node APIs here: k6 (`../*.js`) and the Node
 * driver (`../../local/`) both run this module, so both send byte-identical requests and apply
 * the same checks. Types: mcp.d.ts.
 *
 * 2026-07-28 client (stateless by design): no handshake; every request carries the `_meta`
 * envelope (protocol version, client info, client capabilities) and the `MCP-Protocol-Version`,
 * `Mcp-Method` and, for tools/call, `Mcp-Name` headers, as SDK v2's StreamableHTTPClientTransport
 * derives them from the body (`_applyBodyDerivedHeaders`).
 * 2025-era stateless client: initialize, notifications/initialized (202, no body), then requests
 * carrying the negotiated `MCP-Protocol-Version`.
 * Both then call `tools/list` and the scenario's calls. The default calls are the demo server's
 * mix: `ping`, `text_stats` (CPU: word counts of TEXT_BYTES of text) and, unless the plan leaves
 * it out, `long_task` (bounded wall-clock work: LONG_TASK_STEPS × LONG_TASK_STEP_MS). The long call
 * is what makes a run need several execution environments: Lambda serves one request per
 * environment at a time, so environments busy ≈ invocation rate × invocation duration (Little's
 * law), and millisecond-long calls alone keep one or two busy.
 *
 * Any other server: a scenario's `calls` (or the CALLS variable, JSON) lists the tools/call requests
 * of one iteration, each `{ "tool", "arguments"?, "expectError"? }`: `arguments` is an object, or
 * `"sample"` for arguments generated from the tool's input schema as tools/list gives it
 * (sample-args.js). A call passes when it answers a result (not `isError`, unless `expectError`)
 * with `structuredContent` when the tool declares an output schema.
 */
import { sampleArguments } from './sample-args.js';

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
export const ERAS = [MODERN, LEGACY];

/** The keys SDK v2 uses for the per-request envelope (core: PROTOCOL_VERSION_META_KEY etc.). */
export const META_KEYS = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
};

/**
 * Requests one iteration of each era sends when every step succeeds, without the `long_task` call
 * (which adds one when the plan has it: see `requestsPerIteration`).
 */
export const REQUESTS_PER_ITERATION = { [MODERN]: 3, [LEGACY]: 5 };

/** Statuses counted one by one in the summary (`http_status_<code>`); the rest go to `other`. 0 = no response. */
export const KNOWN_STATUSES = [0, 200, 202, 400, 401, 403, 404, 405, 406, 413, 415, 429, 500, 502, 503, 504];

/** The MCP methods (and tools) a session sends, for per-method tags and summaries. */
export const METHODS = ['initialize', 'notifications/initialized', 'tools/list', 'tools/call'];
/** The demo server's tools the default calls use. */
export const TOOLS = ['ping', 'text_stats', 'long_task'];

/**
 * A scenario's `calls`: undefined, null or "demo" is the demo's mix (null here); otherwise a
 * non-empty list of `{ tool, arguments?, expectError? }`, checked, or an error naming the problem.
 */
export function normalizeCalls(value) {
  if (value === undefined || value === null || value === '' || value === 'demo') return null;
  const list = typeof value === 'string' ? JSON.parse(value) : value;
  if (!Array.isArray(list) || list.length === 0)
    throw new Error('calls must be "demo" or a non-empty list of { tool, arguments?, expectError? }');
  return list.map((call, index) => {
    if (!isObject(call) || typeof call.tool !== 'string' || call.tool === '')
      throw new Error(`calls[${index}] needs a "tool" name`);
    const args = call.arguments === undefined ? {} : call.arguments;
    if (args !== 'sample' && !isObject(args))
      throw new Error(`calls[${index}].arguments must be an object or "sample"`);
    return { tool: call.tool, arguments: args, expectError: call.expectError === true };
  });
}

/** The tools/call requests of one iteration, in order: the scenario's calls, or the demo's mix. */
export function callsOf(longTask, calls) {
  if (calls) return calls;
  const demo = [
    { tool: 'ping', demo: true },
    { tool: 'text_stats', demo: true },
  ];
  return longTask ? demo.concat([{ tool: 'long_task', demo: true }]) : demo;
}

/** The tools an iteration calls (each once): by default `long_task` only when the plan gives it steps. */
export function toolsCalled(longTask, calls) {
  const names = [];
  for (const call of callsOf(longTask, calls)) if (names.indexOf(call.tool) < 0) names.push(call.tool);
  return names;
}

/**
 * The `long_task` call's arguments, validated against the tool's input bounds (steps 1-50, stepMs
 * 0-5000), or null when `steps` is 0 (the call is left out). It waits `steps` × `stepMs` ms: work
 * that holds an execution environment without burning CPU, like a tool awaiting a downstream API.
 */
export function normalizeLongTask(steps, stepMs) {
  const n = Number(steps);
  const ms = Number(stepMs);
  if (!isFinite(n) || Math.floor(n) !== n || n < 0 || n > 50)
    throw new Error(`LONG_TASK_STEPS must be a whole number 0-50, not "${steps}"`);
  if (n === 0) return null;
  if (!isFinite(ms) || Math.floor(ms) !== ms || ms < 0 || ms > 5000)
    throw new Error(`LONG_TASK_STEP_MS must be a whole number 0-5000, not "${stepMs}"`);
  return { steps: n, stepMs: ms };
}

const ERA_ALIASES = {
  mixed: 'mixed',
  both: 'mixed',
  modern: MODERN,
  2026: MODERN,
  [MODERN]: MODERN,
  legacy: LEGACY,
  2025: LEGACY,
  [LEGACY]: LEGACY,
};

/** `mixed` (default), `2026-07-28` (also `2026`, `modern`) or `2025-11-25` (also `2025`, `legacy`). */
export function normalizeEra(value) {
  const key = value === undefined || value === null || value === '' ? 'mixed' : String(value).trim().toLowerCase();
  const era = ERA_ALIASES[key];
  if (!era) throw new Error(`ERA must be mixed, 2026-07-28 or 2025-11-25, not "${value}"`);
  return era;
}

/** Mixed runs alternate by iteration number, so a run's era split is exact and repeatable. */
export function eraForIteration(era, iteration) {
  if (era !== 'mixed') return era;
  return iteration % 2 === 0 ? MODERN : LEGACY;
}

/** Requests of one iteration before its tool calls (tools/list, and the 2025 handshake). */
const SESSION_REQUESTS = { [MODERN]: 1, [LEGACY]: 3 };

/** longTask: the plan's long_task arguments, or null/undefined when the call is left out; calls: the scenario's. */
export function requestsPerIteration(era, longTask, calls) {
  if (calls) {
    if (era === 'mixed') return (SESSION_REQUESTS[MODERN] + SESSION_REQUESTS[LEGACY]) / 2 + calls.length;
    return SESSION_REQUESTS[era] + calls.length;
  }
  const extra = longTask ? 1 : 0;
  if (era === 'mixed') return (REQUESTS_PER_ITERATION[MODERN] + REQUESTS_PER_ITERATION[LEGACY]) / 2 + extra;
  return REQUESTS_PER_ITERATION[era] + extra;
}

export function statusMetricName(status) {
  return KNOWN_STATUSES.indexOf(status) >= 0 ? `http_status_${status}` : 'http_status_other';
}

const SENTENCE = ['the', 'quick', 'brown', 'fox', 'jumps', 'over', 'the', 'lazy', 'dog', 'and', 'the', 'cat'];

/**
 * The `text_stats` input: whole sentences up to `bytes` (ASCII, so bytes = characters), with
 * counts known by construction so the check can verify the tool really computed them.
 */
export function makeText(bytes) {
  const sentence = `${SENTENCE.join(' ')}.`;
  const count = Math.max(1, Math.floor((Number(bytes) || 0) / (sentence.length + 1)));
  const sentences = [];
  for (let i = 0; i < count; i += 1) sentences.push(sentence);
  return {
    text: sentences.join(' '),
    words: count * SENTENCE.length,
    sentences: count,
    topWord: 'the',
    topCount: count * 3,
  };
}

/** Server-Sent Events: each event's `data:` lines joined by newlines (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export function parseSseData(body) {
  const events = [];
  let data = null;
  const lines = String(body).split(/\r\n|\r|\n/);
  for (const line of lines) {
    if (line === '') {
      if (data !== null) events.push(data.join('\n'));
      data = null;
    } else if (line.indexOf('data:') === 0) {
      const value = line.slice(5);
      (data || (data = [])).push(value.charAt(0) === ' ' ? value.slice(1) : value);
    }
  }
  if (data !== null) events.push(data.join('\n'));
  return events;
}

/**
 * The JSON-RPC message answering request `id`, from a JSON or an SSE body (k6 buffers the whole
 * stream, so a streamed answer arrives as one body of `data:` lines).
 */
export function findResponse(contentType, body, id) {
  if (body === null || body === undefined || body === '') return { error: 'empty body' };
  const type = String(contentType || '').toLowerCase();
  const candidates = [];
  try {
    if (type.indexOf('text/event-stream') >= 0) {
      for (const data of parseSseData(body)) {
        if (data.trim() !== '') candidates.push(JSON.parse(data));
      }
    } else {
      const parsed = JSON.parse(body);
      if (Array.isArray(parsed)) candidates.push(...parsed);
      else candidates.push(parsed);
    }
  } catch (error) {
    return { error: `unparseable ${type || 'body'}: ${String(error?.message ? error.message : error)}` };
  }
  for (const message of candidates) {
    if (message && typeof message === 'object' && message.id === id && ('result' in message || 'error' in message))
      return { message };
  }
  return { error: `no JSON-RPC response with id ${id} among ${candidates.length} message(s)` };
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function snippet(body) {
  const text = body === null || body === undefined ? '' : String(body);
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

const STEPS = {
  [MODERN]: ['tools/list'],
  [LEGACY]: ['initialize', 'notifications/initialized', 'tools/list'],
};
const LONG_TASK_STEP = 'tools/call long_task';

/** Every request of a session: { step, call? } (call: the tools/call entry of callsOf). */
function stepsOf(era, longTask, calls) {
  const steps = STEPS[era].map((step) => ({ step }));
  for (const call of callsOf(longTask, calls)) steps.push({ step: `tools/call ${call.tool}`, call });
  return steps;
}

function checkLabel(entry) {
  const call = entry.call;
  if (!call || call.demo) return CHECK_LABELS[entry.step];
  return `${entry.step} -> ${call.expectError ? 'isError result, as expected' : 'result'}`;
}

const CHECK_LABELS = {
  initialize: 'initialize -> protocolVersion + serverInfo',
  'notifications/initialized': 'notifications/initialized -> 202 Accepted, no body',
  'tools/list': 'tools/list -> lists the tools the session calls',
  'tools/call ping': 'tools/call ping -> pong',
  'tools/call text_stats': 'tools/call text_stats -> exact word count',
  [LONG_TASK_STEP]: 'tools/call long_task -> every step completed',
};

/** Every check name a run can produce, for summaries that list checks in a stable order. */
export function checkNames(era, longTask, calls) {
  const eras = era === 'mixed' ? ERAS : [era];
  const names = [];
  for (const e of eras) {
    for (const entry of stepsOf(e, longTask, calls)) {
      const name = `[${e}] ${checkLabel(entry)}`;
      if (names.indexOf(name) < 0) names.push(name);
    }
  }
  return names;
}

/**
 * One client session. `next()` gives the next request to send (or null when done); `record()`
 * judges its response and returns the check outcome. A failed `initialize` ends the session, as a
 * real client would stop there.
 *
 * options: { era, token?, text (from makeText), longTask? ({ steps, stepMs } from
 * normalizeLongTask, or null to leave the call out), calls? (from normalizeCalls; null: the
 * demo's mix), clientName?, clientVersion? }
 */
export function createSession(options) {
  const era = options.era;
  if (!STEPS[era]) throw new Error(`unknown era ${era}`);
  const longTask = options.longTask || null;
  const calls = options.calls || null;
  const steps = stepsOf(era, longTask, calls);
  /** tools/list's tools by name: generated arguments and output-schema checks read them. */
  const listed = {};
  const clientInfo = {
    name: options.clientName || 'stateless-mcp-loadtest',
    version: options.clientVersion || '1.0.0',
  };
  const text = options.text;
  let index = 0;
  let nextId = 1;
  let negotiated;
  let stopped = false;

  function headersFor(method, toolName, protocolVersion) {
    const headers = {
      'Content-Type': 'application/json',
      Accept: 'application/json, text/event-stream',
    };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    if (protocolVersion) headers['MCP-Protocol-Version'] = protocolVersion;
    if (era === MODERN && method.indexOf('notifications/') !== 0) {
      headers['Mcp-Method'] = method;
      // Tool names here are plain ASCII; SDK v2 base64-wraps other values (encodeMcpParamValue).
      if (toolName) headers['Mcp-Name'] = toolName;
    }
    return headers;
  }

  function argumentsOf(call) {
    if (call.arguments !== 'sample') return call.arguments;
    const tool = listed[call.tool];
    const generated = sampleArguments(tool ? tool.inputSchema : undefined);
    // Sent anyway when the schema defeats the generator: the server's -32602 names the problem.
    return generated.ok ? generated.value : {};
  }

  function build(entry) {
    const step = entry.step;
    const space = step.indexOf(' ');
    const method = space < 0 ? step : step.slice(0, space);
    const toolName = space < 0 ? undefined : step.slice(space + 1);
    const isNotification = method.indexOf('notifications/') === 0;
    const id = isNotification ? undefined : nextId++;
    let params;
    if (method === 'initialize') {
      params = { protocolVersion: LEGACY, capabilities: {}, clientInfo };
    } else if (method === 'tools/call') {
      const demoArgs =
        toolName === 'text_stats'
          ? { text: text.text, top: 3 }
          : toolName === 'long_task'
            ? { steps: longTask.steps, stepMs: longTask.stepMs }
            : {};
      const args = entry.call && !entry.call.demo ? argumentsOf(entry.call) : demoArgs;
      params = { name: toolName, arguments: args };
    } else if (method === 'tools/list') {
      params = {};
    }
    if (era === MODERN && !isNotification) {
      params = params || {};
      params._meta = {
        [META_KEYS.protocolVersion]: MODERN,
        [META_KEYS.clientInfo]: clientInfo,
        [META_KEYS.clientCapabilities]: {},
      };
    }
    const message = { jsonrpc: '2.0' };
    if (id !== undefined) message.id = id;
    message.method = method;
    if (params !== undefined) message.params = params;
    // The 2025 initialize carries no version header: the version is being negotiated.
    const protocolVersion = era === MODERN ? MODERN : method === 'initialize' ? undefined : negotiated || LEGACY;
    const tags = { mcp_era: era, mcp_method: method, name: `mcp ${step}` };
    if (toolName) tags.mcp_name = toolName;
    return {
      step,
      method,
      toolName,
      id,
      call: entry.call,
      check: `[${era}] ${checkLabel(entry)}`,
      headers: headersFor(method, toolName, protocolVersion),
      body: JSON.stringify(message),
      tags,
    };
  }

  /** What a gateway status means here: a throttle is not a bug in the server. */
  function statusHint(response) {
    if (response.status === 500 && /Internal server error/i.test(response.body || '')) {
      return ' (API Gateway answers this when Lambda throttles the invocation: the function is at its concurrency limit, mcp_reserved_concurrency)';
    }
    if (response.status === 429)
      return ' (API Gateway stage throttling: throttling_rate_limit / throttling_burst_limit)';
    return '';
  }

  function judge(request, response) {
    if (response.error) return `no response: ${response.error}`;
    if (request.id === undefined) {
      if (response.status !== 202) return `expected 202, got ${response.status}: ${snippet(response.body)}`;
      if (response.body) return `expected no body, got ${snippet(response.body)}`;
      return undefined;
    }
    if (response.status !== 200) return `HTTP ${response.status}: ${snippet(response.body)}${statusHint(response)}`;
    const found = findResponse(response.contentType, response.body, request.id);
    if (found.error) return found.error;
    const message = found.message;
    if (message.jsonrpc !== '2.0') return 'not JSON-RPC 2.0';
    if (message.error) return `JSON-RPC error ${message.error.code}: ${message.error.message}`;
    const result = message.result;
    if (!isObject(result)) return 'result is not an object';
    if (era === MODERN && result.resultType !== 'complete') return `resultType ${result.resultType}, expected complete`;
    if (request.call && !request.call.demo) return judgeCall(request.call, result);
    switch (request.step) {
      case 'initialize':
        if (typeof result.protocolVersion !== 'string') return 'no protocolVersion';
        if (!isObject(result.serverInfo) || typeof result.serverInfo.name !== 'string') return 'no serverInfo.name';
        negotiated = result.protocolVersion;
        return undefined;
      case 'tools/list': {
        const tools = Array.isArray(result.tools) ? result.tools.filter(isObject) : [];
        for (const tool of tools) listed[tool.name] = tool;
        for (const tool of toolsCalled(longTask, calls)) if (!listed[tool]) return `tools/list lacks ${tool}`;
        return undefined;
      }
      case 'tools/call ping': {
        const out = result.structuredContent;
        if (result.isError) return 'ping returned isError';
        if (!isObject(out) || out.message !== 'pong') return 'ping did not answer pong';
        return undefined;
      }
      case 'tools/call text_stats': {
        const out = result.structuredContent;
        if (result.isError) return 'text_stats returned isError';
        if (!isObject(out)) return 'text_stats has no structuredContent';
        if (out.words !== text.words) return `text_stats counted ${out.words} words, expected ${text.words}`;
        const top = Array.isArray(out.topWords) ? out.topWords[0] : undefined;
        if (!top || top.word !== text.topWord || top.count !== text.topCount) return 'text_stats top word is wrong';
        return undefined;
      }
      case LONG_TASK_STEP: {
        const out = result.structuredContent;
        if (result.isError) return 'long_task returned isError';
        if (!isObject(out) || out.stepsCompleted !== longTask.steps)
          return `long_task completed ${isObject(out) ? out.stepsCompleted : '?'} of ${longTask.steps} steps`;
        // Timers never fire early by more than a millisecond per step; a shorter elapsedMs means the work was skipped.
        if (typeof out.elapsedMs !== 'number' || out.elapsedMs < longTask.steps * (longTask.stepMs - 1))
          return `long_task took ${out.elapsedMs} ms, expected >= ${longTask.steps * longTask.stepMs}`;
        return undefined;
      }
      default:
        return undefined;
    }
  }

  function judgeCall(call, result) {
    if (call.expectError)
      return result.isError === true ? undefined : `${call.tool} answered without isError, expected an error result`;
    if (result.isError) return `${call.tool} returned isError: ${snippet(JSON.stringify(result.content))}`;
    const tool = listed[call.tool];
    if (tool && isObject(tool.outputSchema) && !isObject(result.structuredContent))
      return `${call.tool} declares an outputSchema but sent no structuredContent`;
    return undefined;
  }

  return {
    era,
    next() {
      if (stopped || index >= steps.length) return null;
      const request = build(steps[index]);
      index += 1;
      return request;
    },
    /** response: { status, contentType, body, error? }; returns { ok, check, reason? }. */
    record(request, response) {
      const reason = judge(request, response);
      if (reason !== undefined && request.method === 'initialize') stopped = true;
      return reason === undefined ? { ok: true, check: request.check } : { ok: false, check: request.check, reason };
    },
  };
}
