/** Thrown at INIT when an SDK or zod upgrade removed what a seam relies on: loud, never silent. */
export class SdkSeamError extends Error {
  override readonly name = 'SdkSeamError';
  constructor(what: string) {
    super(
      `SDK seam broken: ${what} is gone or changed shape (an @modelcontextprotocol/* or zod upgrade?); see server/sdk-seams/README.md`,
    );
  }
}
