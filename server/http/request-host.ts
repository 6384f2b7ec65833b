/**
 * The public origin of a request as API Gateway presents it to a Lambda proxy integration: the
 * `Host` header is the domain the client reached the API on (the execute-api host or a custom
 * domain name; API Gateway routes on it, so no other value gets this far on AWS) and
 * `X-Forwarded-Proto` is set by API Gateway ("Input format of a Lambda function for proxy
 * integration", example event:
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html#api-gateway-simple-proxy-for-lambda-input-format).
 * API Gateway serves HTTPS only, so `https` is the answer whenever the header says nothing usable.
 */

/** RFC 9110 section 7.2 `Host` = uri-host [ ":" port ]: a reg-name or an IP literal, nothing else. */
const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9-]*(?:\.[A-Za-z0-9-]+)*\.?)(?::\d{1,5})?$/;
/** DNS names are at most 253 characters; a port and brackets add a few. */
const MAX_HOST_LENGTH = 262;

/** True for a well-formed `Host` value (no userinfo, path, spaces or list). Linear in its input. */
export function isWellFormedHost(value: string): boolean {
  return value.length <= MAX_HOST_LENGTH && HOST.test(value);
}

/**
 * The scheme the client used: the last entry of `X-Forwarded-Proto` (the one the nearest proxy,
 * API Gateway, set) when it is `http` or `https`; `https` otherwise.
 */
export function forwardedProto(value: string | undefined | null): 'http' | 'https' {
  const last = (value ?? '').split(',').at(-1)?.trim().toLowerCase();
  return last === 'http' ? 'http' : 'https';
}
