/**
 * Bytes an event counts for: its message in UTF-8 plus 26, as CloudWatch Logs sizes a batch
 * (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html:
 * "the sum of all event messages in UTF-8, plus 26 bytes for each log event"). In memory, an ASCII
 * event takes its message plus 12 bytes of columns and 4 per stream entry: the count is an upper bound.
 */
export const EVENT_OVERHEAD_BYTES = 26;

export function eventBytes(message: string): number {
  return Buffer.byteLength(message, 'utf8') + EVENT_OVERHEAD_BYTES;
}
