# Both bundles are single ESM files built by `npm run build`
# (index.mjs + index.mjs.map in each zip, handler index.handler).
# The embedded stack (`npm start`) reads the functions from this file: their names, handler,
# runtime, memory, timeout, reserved concurrency and environment are the ones declared here.

# The variables the harness sets on the MCP function (the emulator sets the same ones).
locals {
  mcp_harness_environment = {
    # The function derives its public URL from each request (Host header and
    # stage): passing the stage URL here would create a dependency cycle.
    STAGE_NAME              = var.stage_name
    AUTHORIZATION_SERVERS   = join(",", local.authorization_servers)
    SCOPES_SUPPORTED        = join(",", var.scopes_supported)
    STREAMING_ENABLED       = tostring(var.streaming_enabled)
    POWERTOOLS_SERVICE_NAME = local.mcp_function_name
    # Stack traces in CloudWatch point at the TypeScript sources (the zips ship the source maps).
    NODE_OPTIONS = "--enable-source-maps"
    LOG_LEVEL    = var.log_level
    # The task table (tasks.tf); empty when tasks are off, and the function then does not offer the extension.
    MCP_TASKS_TABLE = var.tasks_enabled ? aws_dynamodb_table.tasks[0].name : ""
    # Origins whose requests get CORS headers on the function's responses (cors.tf).
    MCP_CORS_ALLOWED_ORIGINS = join(",", var.cors_allowed_origins)
  }
  # The two functions, declared once (aws_lambda_function.this) over this map.
  lambda_functions = {
    mcp = {
      function_name        = local.mcp_function_name
      description          = "Stateless MCP server (Streamable HTTP) behind API Gateway."
      role_arn             = aws_iam_role.mcp.arn
      zip_path             = var.mcp_zip_path
      memory_size          = var.mcp_memory_size
      timeout              = var.mcp_timeout_seconds
      reserved_concurrency = var.mcp_reserved_concurrency
      # Your server module's own variables (mcp_environment) first; the harness's cannot be overridden.
      environment = merge(var.mcp_environment, local.mcp_harness_environment)
    }
    authorizer = {
      function_name = local.authorizer_function_name
      description   = "API Gateway ${var.authorizer_type} authorizer for the MCP endpoint (${var.auth_mode} tokens)."
      role_arn      = aws_iam_role.authorizer.arn
      zip_path      = var.authorizer_zip_path
      memory_size   = var.authorizer_memory_size
      timeout       = var.authorizer_timeout_seconds
      # A burst of new identities cannot take the account's whole concurrency; beyond the limit API
      # Gateway answers 500 (authorizer throttled), while cached identities keep passing.
      reserved_concurrency = var.authorizer_reserved_concurrency
      environment = {
        AUTH_MODE               = var.auth_mode
        STATIC_TOKENS           = jsonencode(var.static_tokens)
        JWT_ISSUER              = var.jwt_issuer
        JWT_JWKS_URL            = var.jwt_jwks_url
        JWT_AUDIENCE            = var.jwt_audience != "" ? var.jwt_audience : local.mcp_url
        JWT_AUDIENCE_CLAIM      = var.jwt_audience_claim
        JWT_REQUIRED_SCOPES     = join(",", var.jwt_required_scopes)
        JWT_ALLOWED_ALGORITHMS  = join(",", var.jwt_allowed_algorithms)
        POWERTOOLS_SERVICE_NAME = local.authorizer_function_name
        NODE_OPTIONS            = "--enable-source-maps"
        LOG_LEVEL               = var.log_level
      }
    }
  }
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:A dead-letter queue only receives failed asynchronous invocations; API Gateway invokes both functions synchronously.
  #checkov:skip=CKV_AWS_117:No VPC: the MCP function reaches no private resource and the authorizer fetches the issuer's public JWKS; a VPC would need a NAT gateway for any egress.
  #checkov:skip=CKV_AWS_272:No AWS Signer profile in this sample; the zips are built deterministically and deployed by their content hash.
  #checkov:skip=CKV_AWS_50:X-Ray is left off (per-trace cost); logs carry the Lambda request id as correlation id.
  #checkov:skip=CKV_AWS_173:Encrypted at rest with the AWS managed key. The MCP function's environment holds no secret (stage name, URLs, log level); the authorizer's STATIC_TOKENS is a secret for static mode only (a development mode; use auth_mode = "jwt" in production, whose environment holds no secret).
  for_each = local.lambda_functions

  function_name    = each.value.function_name
  description      = each.value.description
  role             = each.value.role_arn
  filename         = each.value.zip_path
  source_code_hash = filebase64sha256(each.value.zip_path)
  handler          = "index.handler"
  runtime          = var.lambda_runtime
  architectures    = [var.lambda_architecture]
  memory_size      = each.value.memory_size
  timeout          = each.value.timeout

  reserved_concurrent_executions = each.value.reserved_concurrency

  environment {
    variables = each.value.environment
  }

  lifecycle {
    precondition {
      condition     = each.key != "authorizer" || var.auth_mode != "static" || length(var.static_tokens) > 0
      error_message = "auth_mode = \"static\" needs at least one token in static_tokens (for example TF_VAR_static_tokens='[\"<token>\"]'); otherwise every request would be refused."
    }
    precondition {
      condition     = each.key != "authorizer" || var.auth_mode != "jwt" || (var.jwt_issuer != "" && var.jwt_jwks_url != "")
      error_message = "auth_mode = \"jwt\" needs jwt_issuer and jwt_jwks_url."
    }
  }

  # Each log group (with its retention) exists before its function, so Lambda never creates one
  # without it.
  depends_on = [
    aws_cloudwatch_log_group.mcp,
    aws_cloudwatch_log_group.authorizer,
    aws_iam_role_policy.mcp_logs,
    aws_iam_role_policy.mcp_tasks,
    aws_iam_role_policy.authorizer_logs,
  ]
}

# The functions were two resources before; existing state moves to the map's keys.
moved {
  from = aws_lambda_function.mcp
  to   = aws_lambda_function.this["mcp"]
}

moved {
  from = aws_lambda_function.authorizer
  to   = aws_lambda_function.this["authorizer"]
}

# API Gateway may invoke each function only on behalf of this REST API.
resource "aws_lambda_permission" "mcp" {
  statement_id  = "AllowInvokeFromApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["mcp"].function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
}

resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowInvokeFromApiGateway"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this["authorizer"].function_name
  principal     = "apigateway.amazonaws.com"
  # API Gateway invokes authorizers with <execution arn>/authorizers/<id>.
  source_arn = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.this.id}"
}
