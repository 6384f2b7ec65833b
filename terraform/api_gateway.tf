# REST API:
#   ANY /mcp                                       CUSTOM authorizer -> MCP function
#   GET, DELETE /mcp                               no auth -> MOCK 405, Allow: POST
#   OPTIONS on every resource (cors.tf)            no auth -> MOCK CORS preflight,
#                                                  only when cors_allowed_origins is set
#   GET /health                                    no auth           -> MCP function
#   GET /.well-known/oauth-protected-resource      no auth (RFC 9728) -> MCP function
#   GET /.well-known/oauth-protected-resource/mcp  no auth, the path-suffixed form
#       (RFC 9728 section 3.1) that clients derive for <base>/mcp when a custom
#       domain maps the stage at the root.
# The function's routes are Lambda proxy (AWS_PROXY) integrations; what needs no
# function is answered by API Gateway itself (MOCK integrations).

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "Stateless MCP server (${var.name})"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  # Should the API ever be replaced, the new one exists before the old one goes
  # (checkov CKV_AWS_237), as for the deployment below.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_resource" "mcp" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "mcp"
}

resource "aws_api_gateway_resource" "health" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "health"
}

resource "aws_api_gateway_resource" "well_known" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = ".well-known"
}

resource "aws_api_gateway_resource" "protected_resource_metadata" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.well_known.id
  path_part   = "oauth-protected-resource"
}

resource "aws_api_gateway_resource" "protected_resource_metadata_mcp" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.protected_resource_metadata.id
  path_part   = "mcp"
}

locals {
  # Response streaming (opt-in): STREAM transfer mode and Lambda's
  # InvokeWithResponseStream path instead of the function's invoke ARN. Every
  # route of the function uses the same mode, since a streaming handler cannot
  # answer a buffered invocation.
  mcp_integration_uri = (
    var.streaming_enabled
    ? "arn:${data.aws_partition.current.partition}:apigateway:${var.region}:lambda:path/2021-11-15/functions/${aws_lambda_function.this["mcp"].arn}/response-streaming-invocations"
    : aws_lambda_function.this["mcp"].invoke_arn
  )
  mcp_response_transfer_mode = var.streaming_enabled ? "STREAM" : "BUFFERED"
  # 29 s is API Gateway's default (and, without a quota increase, maximum) for
  # buffered integrations; streamed ones may run up to 15 minutes.
  mcp_integration_timeout_ms = var.streaming_enabled ? min(900000, max(29000, var.mcp_timeout_seconds * 1000)) : 29000

  public_routes = {
    health                          = aws_api_gateway_resource.health.id
    protected_resource_metadata     = aws_api_gateway_resource.protected_resource_metadata.id
    protected_resource_metadata_mcp = aws_api_gateway_resource.protected_resource_metadata_mcp.id
  }

  # Stateless Streamable HTTP (MCP 2025-03-26 onward) has no standalone SSE stream (GET) and no
  # session to delete (DELETE): both answer 405 with Allow: POST. Every SDK 1.x client opens
  # GET /mcp after initialize, so answering it here saves one invocation per session.
  mcp_methods_not_allowed = toset(["GET", "DELETE"])
  mcp_method_not_allowed_body = jsonencode({
    jsonrpc = "2.0"
    error   = { code = -32600, message = "Method not allowed: this stateless endpoint accepts POST only." }
    id      = null
  })
}

check "integration_timeout" {
  assert {
    condition     = var.streaming_enabled || var.mcp_timeout_seconds <= 29
    error_message = "mcp_timeout_seconds is ${var.mcp_timeout_seconds} but API Gateway answers 504 after 29 s unless streaming_enabled is true."
  }
}

resource "aws_api_gateway_authorizer" "this" {
  name            = "${var.name}-authorizer"
  rest_api_id     = aws_api_gateway_rest_api.this.id
  type            = var.authorizer_type
  authorizer_uri  = aws_lambda_function.this["authorizer"].invoke_arn
  identity_source = var.authorizer_identity_source
  # Checked by API Gateway before invoking a TOKEN authorizer: a mismatch is a
  # 401 without an invocation. REQUEST authorizers do not support it.
  identity_validation_expression = (
    var.authorizer_type == "TOKEN" && var.authorizer_identity_validation_expression != ""
    ? var.authorizer_identity_validation_expression
    : null
  )
  authorizer_result_ttl_in_seconds = var.authorizer_result_ttl_seconds
}

resource "aws_api_gateway_method" "mcp" {
  #checkov:skip=CKV2_AWS_53:A request validator answers API Gateway's own 400 body; malformed MCP requests must get JSON-RPC errors (-32700, -32600) from the function.
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.mcp.id
  http_method   = "ANY"
  authorization = "CUSTOM"
  authorizer_id = aws_api_gateway_authorizer.this.id
}

resource "aws_api_gateway_integration" "mcp" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.mcp.id
  http_method             = aws_api_gateway_method.mcp.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = local.mcp_integration_uri
  response_transfer_mode  = local.mcp_response_transfer_mode
  timeout_milliseconds    = local.mcp_integration_timeout_ms
}

# GET and DELETE on /mcp take no authorizer: authorization is set per method, and a method
# defined explicitly on a resource is matched before its ANY method, which "catches any HTTP
# method that is not explicitly declared"
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-swagger-extensions-any-method.html).
# A 405 reveals nothing a caller could not read in the MCP specification, and calling the
# authorizer first would cost an authorizer invocation (on a cache miss) to say so.
resource "aws_api_gateway_method" "mcp_not_allowed" {
  #checkov:skip=CKV_AWS_59:A MOCK integration that answers 405 Method Not Allowed: no back end is reachable through it.
  #checkov:skip=CKV2_AWS_53:A MOCK 405 has no parameters or body to validate.
  for_each = local.mcp_methods_not_allowed

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.mcp.id
  http_method   = each.key
  authorization = "NONE"
}

# A MOCK integration answers with the status code its request template selects
# (https://docs.aws.amazon.com/apigateway/latest/developerguide/how-to-mock-integration.html).
resource "aws_api_gateway_integration" "mcp_not_allowed" {
  for_each = local.mcp_methods_not_allowed

  rest_api_id = aws_api_gateway_rest_api.this.id
  resource_id = aws_api_gateway_resource.mcp.id
  http_method = each.key
  type        = "MOCK"
  request_templates = {
    "application/json" = "{\"statusCode\": 405}"
  }
  depends_on = [aws_api_gateway_method.mcp_not_allowed]
}

resource "aws_api_gateway_method_response" "mcp_not_allowed" {
  for_each = local.mcp_methods_not_allowed

  rest_api_id         = aws_api_gateway_rest_api.this.id
  resource_id         = aws_api_gateway_resource.mcp.id
  http_method         = each.key
  status_code         = "405"
  response_parameters = local.mock_response_header_declarations
  depends_on          = [aws_api_gateway_method.mcp_not_allowed]
}

resource "aws_api_gateway_integration_response" "mcp_not_allowed" {
  for_each = local.mcp_methods_not_allowed

  rest_api_id         = aws_api_gateway_rest_api.this.id
  resource_id         = aws_api_gateway_resource.mcp.id
  http_method         = each.key
  status_code         = "405"
  response_parameters = merge(local.allow_post_header, local.cors_mock_response_headers)
  response_templates = {
    "application/json" = "${local.cors_allow_origin_template}${local.mcp_method_not_allowed_body}"
  }
  depends_on = [aws_api_gateway_integration.mcp_not_allowed, aws_api_gateway_method_response.mcp_not_allowed]
}

resource "aws_api_gateway_method" "public" {
  #checkov:skip=CKV_AWS_59:Public by design: the health check and the RFC 9728 protected resource metadata (which MCP clients must read before they have a token) take no auth and return no protected data.
  #checkov:skip=CKV2_AWS_53:GET routes without parameters or body: nothing for a request validator to check.
  for_each = local.public_routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = each.value
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "public" {
  for_each = local.public_routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = each.value
  http_method             = aws_api_gateway_method.public[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = local.mcp_integration_uri
  response_transfer_mode  = local.mcp_response_transfer_mode
  timeout_milliseconds    = local.mcp_integration_timeout_ms
}

# What a deployment is a snapshot of: every resource of the API definition, each
# without its null or empty attributes. After an apply the provider may read an
# unset list or map back as empty (or the other way round); hashing those would
# change the hash, and so make a new deployment, on the next plan with nothing
# changed in the API.
locals {
  api_definition = [
    for definition in concat(
      [
        aws_api_gateway_resource.mcp,
        aws_api_gateway_resource.health,
        aws_api_gateway_resource.well_known,
        aws_api_gateway_resource.protected_resource_metadata,
        aws_api_gateway_resource.protected_resource_metadata_mcp,
        aws_api_gateway_authorizer.this,
        aws_api_gateway_method.mcp,
        aws_api_gateway_integration.mcp,
      ],
      values(aws_api_gateway_method.public),
      values(aws_api_gateway_integration.public),
      values(aws_api_gateway_method.mcp_not_allowed),
      values(aws_api_gateway_integration.mcp_not_allowed),
      values(aws_api_gateway_method_response.mcp_not_allowed),
      values(aws_api_gateway_integration_response.mcp_not_allowed),
      values(aws_api_gateway_method.cors_preflight),
      values(aws_api_gateway_integration.cors_preflight),
      values(aws_api_gateway_method_response.cors_preflight),
      values(aws_api_gateway_integration_response.cors_preflight),
      values(aws_api_gateway_gateway_response.auth),
    ) : { for name, value in definition : name => value if try(length(value) > 0, value != null) }
  ]
}

# A deployment is a snapshot of the API: make a new one whenever anything in
# the API definition changes (never on every apply, as timestamp() would).
resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "Managed by Terraform"

  triggers = {
    redeployment = sha1(jsonencode(local.api_definition))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_73:X-Ray is left off (per-trace cost); access logs and the Lambda logs carry the request ids that correlate a call.
  #checkov:skip=CKV_AWS_120:No response caching: every MCP call is a POST whose answer depends on the caller and the request body.
  #checkov:skip=CKV2_AWS_51:Client certificates do not fit MCP clients, which authenticate with bearer tokens (OAuth 2.1 resource server).
  #checkov:skip=CKV2_AWS_4:Execution logging stays OFF (see the method settings); the stage writes JSON access logs to a managed log group.
  #checkov:skip=CKV2_AWS_29:WAF is an optional, paid add-on; the stage throttles and every MCP request passes the Lambda authorizer.
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      requestTime        = "$context.requestTime"
      sourceIp           = "$context.identity.sourceIp"
      userAgent          = "$context.identity.userAgent"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      path               = "$context.path"
      protocol           = "$context.protocol"
      status             = "$context.status"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationStatus  = "$context.integration.status"
      integrationLatency = "$context.integration.latency"
      integrationError   = "$context.integration.error"
      authorizerStatus   = "$context.authorizer.status"
      authorizerLatency  = "$context.authorizer.latency"
      authorizerError    = "$context.authorizer.error"
      principalId        = "$context.authorizer.principalId"
      errorType          = "$context.error.responseType"
      errorMessage       = "$context.error.message"
    })
  }

  # Access logging needs the account's CloudWatch role to be set first.
  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:No response caching: MCP answers are per caller and per request body.
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    # Execution logs and detailed metrics are off: access logs and Lambda's
    # own logs cover this stack, and both of those cost extra.
    logging_level   = "OFF"
    metrics_enabled = false
  }
}
