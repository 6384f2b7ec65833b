# One execution role per function, each allowed only to write to its own log
# group. The MCP function may also read and write items of the task table
# (tasks.tf) when tasks are enabled; the functions call no other AWS API.

data "aws_iam_policy_document" "lambda_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "mcp" {
  name               = "${var.name}-mcp-server"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

resource "aws_iam_role" "authorizer" {
  name               = "${var.name}-authorizer"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume_role.json
}

data "aws_iam_policy_document" "mcp_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.mcp.arn}:*"]
  }
}

data "aws_iam_policy_document" "authorizer_logs" {
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.authorizer.arn}:*"]
  }
}

resource "aws_iam_role_policy" "mcp_logs" {
  name   = "write-own-log-group"
  role   = aws_iam_role.mcp.id
  policy = data.aws_iam_policy_document.mcp_logs.json
}

# Item-level calls on the one table, no Scan/Query and no table management.
data "aws_iam_policy_document" "mcp_tasks" {
  count = var.tasks_enabled ? 1 : 0

  statement {
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [aws_dynamodb_table.tasks[0].arn]
  }
}

resource "aws_iam_role_policy" "mcp_tasks" {
  count = var.tasks_enabled ? 1 : 0

  name   = "read-write-task-items"
  role   = aws_iam_role.mcp.id
  policy = data.aws_iam_policy_document.mcp_tasks[0].json
}

resource "aws_iam_role_policy" "authorizer_logs" {
  name   = "write-own-log-group"
  role   = aws_iam_role.authorizer.id
  policy = data.aws_iam_policy_document.authorizer_logs.json
}

# API Gateway writes access logs through a role set once per account and
# Region (aws_api_gateway_account). Because that role serves every REST API of
# the account in the Region, it gets the AWS managed policy meant for it rather
# than one scoped to this stack's log group, which would break other APIs.
data "aws_iam_policy_document" "apigateway_assume_role" {
  count = var.manage_api_gateway_account ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "apigateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  name               = "${var.name}-apigateway-cloudwatch"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume_role[0].json
}

resource "aws_iam_role_policy_attachment" "apigateway_cloudwatch" {
  count = var.manage_api_gateway_account ? 1 : 0

  role       = aws_iam_role.apigateway_cloudwatch[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_api_gateway_account ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.apigateway_cloudwatch[0].arn

  depends_on = [aws_iam_role_policy_attachment.apigateway_cloudwatch]
}

# What the server module itself calls (mcp_policy_json), attached only when given.
resource "aws_iam_role_policy" "mcp_server_module" {
  count = var.mcp_policy_json == "" ? 0 : 1

  name   = "server-module"
  role   = aws_iam_role.mcp.id
  policy = var.mcp_policy_json
}
