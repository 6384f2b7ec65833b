import { acceptedContent, inputRequired, inputResponse, type McpServer, type ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';
import { freshState, type FixtureState, type FixtureStateCodec } from './request-state.ts';

/**
 * 2026-07-28 multi round-trip fixtures (SEP-2322, `input-required-result-*` and `server-stateless`).
 * Each round returns `input_required` with embedded requests; the client answers them in a retry
 * of the same call. State that must survive a round travels in `requestState`, signed by the
 * codec: a tampered state is rejected by the SDK before the handler runs.
 */

const NAME = z.object({ name: z.string() });
const COLOR = z.object({ color: z.string() });
const CONFIRM = z.object({ ok: z.boolean() });

const askName = (message = 'What is your name?') => inputRequired.elicit({ message, requestedSchema: NAME });
const askSampling = (text: string, maxTokens: number) =>
  inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text } }], maxTokens });

export function registerInputRequiredFixtures(server: McpServer, codec: FixtureStateCodec): void {
  const state = (ctx: ServerContext) => ctx.mcpReq.requestState<FixtureState>();
  // The state is bound to the caller (see request-state.ts), so minting needs the request context.
  const mint = (ctx: ServerContext, tool: string, round: number, extra?: { name?: string }) => codec.mint(freshState(tool, round, extra), ctx);

  // Completes as soon as `user_name` is answered, with or without requestState; anything else
  // (a wrong key, a malformed answer) is asked again.
  server.registerTool('test_input_required_result_elicitation', { description: 'Asks for the user name through input_required.' }, (ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, 'user_name', NAME);
    if (!answer) return inputRequired({ inputRequests: { user_name: askName() } });
    return { content: [{ type: 'text', text: `Hello, ${answer.name}!` }] };
  });

  server.registerTool('test_input_required_result_sampling', { description: 'Asks for an LLM completion through input_required.' }, (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'capital_question');
    if (answer.kind !== 'sampling') {
      return inputRequired({ inputRequests: { capital_question: askSampling('What is the capital of France?', 100) } });
    }
    const content = answer.result.content;
    const text = !Array.isArray(content) && content.type === 'text' ? content.text : JSON.stringify(content);
    return { content: [{ type: 'text', text: `Sampling said: ${text}` }] };
  });

  server.registerTool('test_input_required_result_list_roots', { description: "Asks for the client's roots through input_required." }, (ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'client_roots');
    if (answer.kind !== 'roots') return inputRequired({ inputRequests: { client_roots: inputRequired.listRoots() } });
    return { content: [{ type: 'text', text: `Roots: ${answer.roots.map((root) => root.uri).join(', ')}` }] };
  });

  server.registerTool('test_input_required_result_request_state', { description: 'Round-trips a signed requestState.' }, async (ctx) => {
    const confirmed = acceptedContent(ctx.mcpReq.inputResponses, 'confirm', CONFIRM);
    if (state(ctx)?.tool === 'request_state' && confirmed) {
      return { content: [{ type: 'text', text: `state-ok: confirmed=${confirmed.ok}` }] };
    }
    return inputRequired({
      inputRequests: { confirm: inputRequired.elicit({ message: 'Please confirm', requestedSchema: CONFIRM }) },
      requestState: await mint(ctx, 'request_state', 1),
    });
  });

  server.registerTool('test_input_required_result_multiple_inputs', { description: 'Asks for elicitation, sampling and roots at once.' }, async (ctx) => {
    const responses = ctx.mcpReq.inputResponses;
    const name = acceptedContent(responses, 'user_name', NAME);
    const greeting = inputResponse(responses, 'greeting');
    const roots = inputResponse(responses, 'client_roots');
    if (state(ctx)?.tool === 'multiple_inputs' && name && greeting.kind === 'sampling' && roots.kind === 'roots') {
      return { content: [{ type: 'text', text: `All inputs received for ${name.name}` }] };
    }
    return inputRequired({
      inputRequests: { user_name: askName(), greeting: askSampling('Generate a greeting', 50), client_roots: inputRequired.listRoots() },
      requestState: await mint(ctx, 'multiple_inputs', 1),
    });
  });

  server.registerTool('test_input_required_result_multi_round', { description: 'Asks in two rounds, each with its own state.' }, async (ctx) => {
    const current = state(ctx);
    if (current?.tool === 'multi_round' && current.round === 2) {
      const color = acceptedContent(ctx.mcpReq.inputResponses, 'step2', COLOR);
      if (color) return { content: [{ type: 'text', text: `${current.name ?? 'someone'} likes ${color.color}` }] };
    }
    if (current?.tool === 'multi_round' && current.round === 1) {
      const name = acceptedContent(ctx.mcpReq.inputResponses, 'step1', NAME);
      if (name) {
        return inputRequired({
          inputRequests: { step2: inputRequired.elicit({ message: 'Step 2: What is your favorite color?', requestedSchema: COLOR }) },
          requestState: await mint(ctx, 'multi_round', 2, { name: name.name }),
        });
      }
    }
    return inputRequired({ inputRequests: { step1: askName('Step 1: What is your name?') }, requestState: await mint(ctx, 'multi_round', 1) });
  });

  // A tampered state never reaches this handler: the codec's verify rejects it with -32602.
  server.registerTool('test_input_required_result_tampered_state', { description: 'Rejects a requestState that was altered.' }, async (ctx) => {
    if (state(ctx)?.tool === 'tampered_state' && acceptedContent(ctx.mcpReq.inputResponses, 'confirm', CONFIRM)) {
      return { content: [{ type: 'text', text: 'integrity-ok' }] };
    }
    return inputRequired({
      inputRequests: { confirm: inputRequired.elicit({ message: 'Please confirm', requestedSchema: CONFIRM }) },
      requestState: await mint(ctx, 'tampered_state', 1),
    });
  });

  // Asks only for what the request's clientCapabilities declare: sampling when elicitation is absent.
  server.registerTool('test_input_required_result_capabilities', { description: "Asks only for inputs the client declared it supports." }, (ctx) => {
    if (inputResponse(ctx.mcpReq.inputResponses, 'question').kind !== 'missing') {
      return { content: [{ type: 'text', text: 'done' }] };
    }
    const declared = (ctx.mcpReq.envelope as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/clientCapabilities'] as
      | { elicitation?: unknown }
      | undefined;
    const question = declared?.elicitation ? askName() : askSampling('Say hi', 20);
    return inputRequired({ inputRequests: { question } });
  });

  // server-stateless: a request without the sampling capability must get -32021 and HTTP 400.
  // Throwing from a tool would become an isError result, so let the SDK's input_required seam
  // check the embedded request against the request's declared capabilities.
  server.registerTool('test_missing_capability', { description: 'Needs the sampling client capability.' }, (ctx) => {
    if (inputResponse(ctx.mcpReq.inputResponses, 'sample').kind === 'sampling') return { content: [{ type: 'text', text: 'sampled' }] };
    return inputRequired({ inputRequests: { sample: askSampling('hi', 10) } });
  });

  // server-stateless: input is asked for in the result, never pushed as a request on the stream.
  server.registerTool('test_streaming_elicitation', { description: 'Asks for a name through input_required.' }, (ctx) => {
    const answer = acceptedContent(ctx.mcpReq.inputResponses, 'answer', NAME);
    if (!answer) return inputRequired({ inputRequests: { answer: askName('Your name?') } });
    return { content: [{ type: 'text', text: `Hello, ${answer.name}!` }] };
  });
}
