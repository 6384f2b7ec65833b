/**
 * The channel between the emulator and the runtime in one execution environment: a socket pair on
 * the child's file descriptor 3, carrying length-prefixed frames. A frame is a small JSON header
 * and raw bytes (a response body, a streamed chunk), so bytes cross as bytes: a body is neither
 * escaped into a JSON string on one side nor parsed out of one and re-encoded on the other.
 *
 * Lambda's own runtimes talk to Lambda over the Runtime API, not an IPC channel
 * (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html), so the function sees no
 * `process.send` here either.
 *
 * Frame layout: header length (uint32 BE), payload length (uint32 BE), header (UTF-8 JSON), payload.
 */

/** The child's file descriptor the channel is on: stdio[3] of the runtime process. */
export const RUNTIME_CHANNEL_FD = 3;

const PREFIX_BYTES = 8;

/**
 * One frame as a single buffer (one write, one system call). A string payload is written as
 * UTF-8 straight into the frame, without an intermediate buffer.
 */
export function encodeFrame(header: object, payload?: Buffer | string): Buffer {
  const json = JSON.stringify(header);
  const headerBytes = Buffer.byteLength(json);
  const payloadBytes =
    payload === undefined ? 0 : typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  const frame = Buffer.allocUnsafe(PREFIX_BYTES + headerBytes + payloadBytes);
  frame.writeUInt32BE(headerBytes, 0);
  frame.writeUInt32BE(payloadBytes, 4);
  frame.write(json, PREFIX_BYTES, 'utf8');
  if (typeof payload === 'string') frame.write(payload, PREFIX_BYTES + headerBytes, 'utf8');
  else payload?.copy(frame, PREFIX_BYTES + headerBytes);
  return frame;
}

/**
 * Reassembles frames from the chunks a stream delivers, whatever their boundaries. A frame split
 * across chunks is joined once, when its last byte arrives. The payload handed on is a view of the
 * received bytes, not a copy.
 */
export function frameReader(onFrame: (header: unknown, payload: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Bytes of the frame at the head of `pending`, once its prefix is known. */
  let frameBytes = 0;

  const frameLength = (data: Buffer, at: number): number =>
    PREFIX_BYTES + data.readUInt32BE(at) + data.readUInt32BE(at + 4);

  /** Hands on every whole frame in `data`; returns the offset of the first incomplete byte. */
  const drain = (data: Buffer): number => {
    let at = 0;
    while (data.length - at >= PREFIX_BYTES) {
      const length = frameLength(data, at);
      if (data.length - at < length) break;
      const headerEnd = at + PREFIX_BYTES + data.readUInt32BE(at);
      const header = JSON.parse(data.toString('utf8', at + PREFIX_BYTES, headerEnd)) as unknown;
      onFrame(header, data.subarray(headerEnd, at + length));
      at += length;
    }
    return at;
  };

  return (chunk) => {
    let data = chunk;
    if (pendingBytes > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (frameBytes === 0 && pendingBytes >= PREFIX_BYTES) {
        const head = Buffer.concat(pending, pendingBytes);
        pending = [head];
        frameBytes = frameLength(head, 0);
      }
      if (frameBytes === 0 || pendingBytes < frameBytes) return;
      data = Buffer.concat(pending, pendingBytes);
      pending = [];
      pendingBytes = 0;
      frameBytes = 0;
    }
    const consumed = drain(data);
    if (consumed === data.length) return;
    const rest = data.subarray(consumed);
    pending = [rest];
    pendingBytes = rest.length;
    frameBytes = rest.length >= PREFIX_BYTES ? frameLength(rest, 0) : 0;
  };
}
