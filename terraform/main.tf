data "aws_partition" "current" {}

locals {
  mcp_function_name        = "${var.name}-mcp-server"
  authorizer_function_name = "${var.name}-authorizer"

  # The stage's invoke URL, built from the API id rather than read from
  # aws_api_gateway_stage.invoke_url: the gateway responses need it, and the
  # stage depends (through the deployment) on the gateway responses.
  stage_url                       = "https://${aws_api_gateway_rest_api.this.id}.execute-api.${var.region}.${data.aws_partition.current.dns_suffix}/${var.stage_name}"
  mcp_url                         = "${local.stage_url}/mcp"
  protected_resource_metadata_url = "${local.stage_url}/.well-known/oauth-protected-resource"

  # RFC 9728 metadata must name at least one authorization server for clients to start OAuth;
  # in JWT mode the token issuer is one unless the deployment lists others.
  authorization_servers = length(var.authorization_servers) > 0 ? var.authorization_servers : (var.auth_mode == "jwt" && var.jwt_issuer != "" ? [var.jwt_issuer] : [])
}
