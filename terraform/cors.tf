# CORS for browser-based MCP clients, off unless cors_allowed_origins lists origins
# ("CORS for REST APIs in API Gateway":
# https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html):
# - the preflight (OPTIONS, sent without credentials) is answered by API Gateway itself
#   with a MOCK integration and no authorizer;
# - with Lambda proxy integrations the function must return the CORS headers on its own
#   responses (MCP_CORS_ALLOWED_ORIGINS, lambda.tf);
# - API Gateway's own 401/403 answers need them in their gateway responses
#   (gateway_responses.tf), or the browser hides the WWW-Authenticate challenge.
#
# A static header value holds one origin, so a MOCK response picks the request's Origin
# from the list in its mapping template, through $context.responseOverride
# ("Override your API's request and response parameters and status codes":
# https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-override-request-response-parameters.html).

locals {
  cors_enabled = length(var.cors_allowed_origins) > 0

  # Request headers MCP clients send: the bearer token, the content negotiation of
  # Streamable HTTP, and the protocol version and routing headers of MCP.
  cors_allowed_headers = "Authorization,Content-Type,Accept,Mcp-Protocol-Version,Mcp-Method,Mcp-Name,Mcp-Session-Id,Last-Event-ID"
  # What a browser script may read besides the CORS-safelisted response headers.
  cors_exposed_headers = "WWW-Authenticate,Mcp-Session-Id,Mcp-Protocol-Version"

  # Every resource of the API gets a preflight when CORS is on.
  cors_preflight_routes = local.cors_enabled ? {
    mcp                             = aws_api_gateway_resource.mcp.id
    health                          = aws_api_gateway_resource.health.id
    protected_resource_metadata     = aws_api_gateway_resource.protected_resource_metadata.id
    protected_resource_metadata_mcp = aws_api_gateway_resource.protected_resource_metadata_mcp.id
  } : {}

  # Prepended to a MOCK response template: sets Access-Control-Allow-Origin to the request's
  # Origin when it is on the list (the directives render no text).
  cors_allow_origin_template = local.cors_enabled ? "#set($allowed = ${jsonencode(var.cors_allowed_origins)})#set($origin = $input.params().header.get('Origin'))#if($allowed.contains($origin))#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)#end" : ""

  allow_post_header = { "method.response.header.Allow" = "'POST'" }
  cors_mock_response_headers = local.cors_enabled ? {
    "method.response.header.Access-Control-Expose-Headers" = "'${local.cors_exposed_headers}'"
    "method.response.header.Vary"                          = "'Origin'"
  } : {}
  cors_preflight_response_headers = {
    "method.response.header.Access-Control-Allow-Methods" = "'GET,POST,DELETE,OPTIONS'"
    "method.response.header.Access-Control-Allow-Headers" = "'${local.cors_allowed_headers}'"
    "method.response.header.Access-Control-Max-Age"       = "'600'"
    "method.response.header.Vary"                         = "'Origin'"
  }
  # A method response declares every header its integration response may set.
  mock_response_header_declarations = {
    "method.response.header.Allow"                         = false
    "method.response.header.Access-Control-Allow-Origin"   = false
    "method.response.header.Access-Control-Allow-Methods"  = false
    "method.response.header.Access-Control-Allow-Headers"  = false
    "method.response.header.Access-Control-Expose-Headers" = false
    "method.response.header.Access-Control-Max-Age"        = false
    "method.response.header.Vary"                          = false
  }

  # 401/403 from API Gateway: a gateway response cannot choose among origins, so it echoes the
  # request's Origin. It carries only the public challenge and the {"message"} body.
  cors_gateway_response_headers = local.cors_enabled ? {
    "gatewayresponse.header.Access-Control-Allow-Origin"   = "method.request.header.Origin"
    "gatewayresponse.header.Access-Control-Expose-Headers" = "'${local.cors_exposed_headers}'"
    "gatewayresponse.header.Vary"                          = "'Origin'"
  } : {}
}

resource "aws_api_gateway_method" "cors_preflight" {
  #checkov:skip=CKV_AWS_59:The CORS preflight: browsers send it without credentials, and its MOCK integration reaches no back end.
  #checkov:skip=CKV2_AWS_53:A MOCK preflight has no body to validate.
  for_each = local.cors_preflight_routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = each.value
  http_method   = "OPTIONS"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "cors_preflight" {
  for_each = local.cors_preflight_routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = each.value
  http_method = "OPTIONS"
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 204}"
  }
  depends_on = [aws_api_gateway_method.cors_preflight]
}

resource "aws_api_gateway_method_response" "cors_preflight" {
  for_each = local.cors_preflight_routes

  rest_api_id         = aws_api_gateway_rest_api.this.id
  resource_id         = each.value
  http_method         = "OPTIONS"
  status_code         = "204"
  response_parameters = local.mock_response_header_declarations
  depends_on          = [aws_api_gateway_method.cors_preflight]
}

resource "aws_api_gateway_integration_response" "cors_preflight" {
  for_each = local.cors_preflight_routes

  rest_api_id         = aws_api_gateway_rest_api.this.id
  resource_id         = each.value
  http_method         = "OPTIONS"
  status_code         = "204"
  response_parameters = local.cors_preflight_response_headers
  response_templates = {
    "application/json" = local.cors_allow_origin_template
  }
  depends_on = [aws_api_gateway_integration.cors_preflight, aws_api_gateway_method_response.cors_preflight]
}
