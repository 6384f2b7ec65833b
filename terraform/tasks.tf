# The tasks extension's store (server/mcp/tasks/dynamo-store.ts): one item per task, read with
# strongly consistent GetItem and written with conditional PutItem/UpdateItem on a version
# attribute, so any execution environment can serve any poll. Created only when tasks_enabled.

resource "aws_dynamodb_table" "tasks" {
  count = var.tasks_enabled ? 1 : 0

  #checkov:skip=CKV_AWS_119:Encrypted at rest with the AWS owned/managed key; a customer managed KMS key would add a key policy and a monthly cost for short-lived task records that hold no secret.
  name = "${var.name}-tasks"
  # On-demand: pay per request, nothing while idle, no capacity to plan for bursts of polls.
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "taskId"

  attribute {
    name = "taskId"
    type = "S"
  }

  # Items carry their expiry in epoch seconds; DynamoDB deletes them some time after it
  # (the function also ignores expired items it reads).
  ttl {
    attribute_name = "expiresAt"
    enabled        = true
  }

  server_side_encryption {
    enabled = true
  }

  point_in_time_recovery {
    enabled = var.tasks_point_in_time_recovery
  }

  tags = var.tags
}
