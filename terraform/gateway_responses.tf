# MCP authorization discovery: every 401/403 that API Gateway itself sends
# carries the RFC 9728 metadata URL. This must be a gateway response: API
# Gateway renames a WWW-Authenticate header returned by a Lambda proxy
# integration to x-amzn-remapped-www-authenticate.
#
# Header values of gateway responses are mapping expressions: a literal value
# is written between single quotes, so the double quotes inside it stay as is.
# $context.error.messageString is already a quoted JSON string.

locals {
  auth_gateway_responses = {
    UNAUTHORIZED  = "401" # no/invalid identity, or the authorizer said Unauthorized
    ACCESS_DENIED = "403" # the authorizer returned a Deny policy
  }
  www_authenticate_header = {
    "gatewayresponse.header.WWW-Authenticate" = "'Bearer resource_metadata=\"${local.protected_resource_metadata_url}\"'"
  }
}

resource "aws_api_gateway_gateway_response" "auth" {
  for_each = local.auth_gateway_responses

  rest_api_id   = aws_api_gateway_rest_api.this.id
  response_type = each.key
  status_code   = each.value

  # With CORS on (cors.tf), a browser may read the challenge too.
  response_parameters = merge(local.www_authenticate_header, local.cors_gateway_response_headers)

  response_templates = {
    "application/json" = "{\"message\":$context.error.messageString}"
  }
}
