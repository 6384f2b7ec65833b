output "mcp_endpoint" {
  description = "URL of the MCP endpoint (Streamable HTTP); give it to MCP clients with a bearer token."
  value       = "${aws_api_gateway_stage.this.invoke_url}/mcp"
}

output "api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "stage_name" {
  description = "Name of the API Gateway stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "mcp_function_name" {
  description = "Name of the MCP server Lambda function."
  value       = aws_lambda_function.this["mcp"].function_name
}

output "authorizer_function_name" {
  description = "Name of the authorizer Lambda function."
  value       = aws_lambda_function.this["authorizer"].function_name
}

output "mcp_log_group_name" {
  description = "CloudWatch log group of the MCP server function (read by the scaling report)."
  value       = aws_cloudwatch_log_group.mcp.name
}

output "authorizer_log_group_name" {
  description = "CloudWatch log group of the authorizer function."
  value       = aws_cloudwatch_log_group.authorizer.name
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage's access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "protected_resource_metadata_url" {
  description = "RFC 9728 protected resource metadata URL, as advertised in WWW-Authenticate on 401/403."
  value       = local.protected_resource_metadata_url
}

output "tasks_table_name" {
  description = "DynamoDB table of the MCP tasks extension (null when tasks_enabled is false)."
  value       = var.tasks_enabled ? aws_dynamodb_table.tasks[0].name : null
}
