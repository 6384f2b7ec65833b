import type { Response as ExpressResponse } from 'express';

/**
 * Writes a web-standard Response through Express. Headers go through `setHeader` (not a
 * `writeHead` header object) so that serverless-http, which reads them back with `getHeaders()`,
 * sees every one of them; streamed bodies are written chunk by chunk as they arrive.
 */
export async function sendWebResponse(res: ExpressResponse, response: Response): Promise<void> {
  res.status(response.status);
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  if (response.body === null) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await new Promise<void>((resolve) => res.once('drain', resolve));
    }
  } finally {
    reader.releaseLock();
  }
  res.end();
}
