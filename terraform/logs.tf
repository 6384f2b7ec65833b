# Log groups are created by Terraform, before the functions, so that their
# retention applies from the first invocation and Lambda's role never needs
# logs:CreateLogGroup. Lambda writes to /aws/lambda/<function name>.

resource "aws_cloudwatch_log_group" "mcp" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts log data at rest by default; a customer managed KMS key would add a key policy and cost for no secret (tokens are never logged).
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 14 days, up to 10 years): operational logs, kept short by default for cost and privacy.
  name              = "/aws/lambda/${local.mcp_function_name}"
  retention_in_days = var.log_retention_days
}

resource "aws_cloudwatch_log_group" "authorizer" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts log data at rest by default; a customer managed KMS key would add a key policy and cost for no secret (tokens are never logged).
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 14 days, up to 10 years): operational logs, kept short by default for cost and privacy.
  name              = "/aws/lambda/${local.authorizer_function_name}"
  retention_in_days = var.log_retention_days
}

# Stage access logs (one JSON object per request).
resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts log data at rest by default; a customer managed KMS key would add a key policy and cost for no secret (tokens are never logged).
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days (default 14 days, up to 10 years): operational logs, kept short by default for cost and privacy.
  name              = "/aws/apigateway/${var.name}/${var.stage_name}/access"
  retention_in_days = var.log_retention_days
}
