import { Headers, Response } from '../http/fetch-lite.ts';

/** The `data:` of one SSE event, or undefined for an event without data. */
function sseData(event: string): string | undefined {
  const lines = event.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  return lines.length === 0 ? undefined : lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
}

function isResponse(data: string | undefined): boolean {
  if (data === undefined) return false;
  try {
    const message = JSON.parse(data) as { id?: unknown; result?: unknown; error?: unknown } | null;
    return (
      message !== null && message.id !== undefined && (message.result !== undefined || message.error !== undefined)
    );
  } catch {
    return false;
  }
}

/**
 * The 2025-era twin of the modern leg's `responseMode: 'auto'`: the transport answers over SSE;
 * when the first event is already the response (the handler emitted nothing before it), the
 * answer is that response as plain JSON; otherwise the stream goes on from its first event, so
 * progress and log notifications reach the client.
 */
export async function jsonUnlessStreamed(response: Response): Promise<{ response: Response; streamed: boolean }> {
  // The content type first: asking a JSON answer for its body stream would build one for nothing.
  if (!response.headers.get('content-type')?.startsWith('text/event-stream') || response.body === null)
    return { response, streamed: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const seen: Uint8Array[] = [];
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen.push(value);
    text += decoder.decode(value, { stream: true });
    const end = text.search(/\r?\n\r?\n/);
    if (end === -1) continue;
    const data = sseData(text.slice(0, end));
    if (isResponse(data)) {
      await reader.cancel().catch(() => {});
      const headers = new Headers(response.headers);
      headers.set('content-type', 'application/json');
      return { response: new Response(data, { status: response.status, headers }), streamed: false };
    }
    break;
  }
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of seen) controller.enqueue(chunk);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return { response: new Response(replay, { status: response.status, headers: response.headers }), streamed: true };
}
