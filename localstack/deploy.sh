#!/usr/bin/env bash
# One-shot deployer of the `deploy` Compose service: builds the Lambda bundles
# from a copy of the repository, applies ../terraform to LocalStack with
# tflocal, and writes the MCP endpoint URL for the client and k6 services.
# Safe to re-run: the Terraform working directory and state live in their own
# volume (never the AWS state in terraform/), so a second run is a no-op apply.
set -euo pipefail

SRC_DIR=${SRC_DIR:-/src}             # the repository, mounted read-only
BUILD_DIR=${BUILD_DIR:-/build}       # copy of the repository where bundles are built
TF_DIR=${TF_DIR:-/state/terraform}   # LocalStack-only Terraform working dir + state
SHARED_DIR=${SHARED_DIR:-/shared}    # read by client, k6 and report
LOCALSTACK_ENDPOINT=${LOCALSTACK_ENDPOINT:-http://localstack:4566}
: "${MCP_TOKEN:?MCP_TOKEN must be set (the static bearer token to deploy)}"

export AWS_ENDPOINT_URL=${AWS_ENDPOINT_URL:-$LOCALSTACK_ENDPOINT}
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-test}
export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-test}
export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-us-east-1}
# One Region for Terraform and every signed call (check-authorizer.mjs, the report).
export AWS_REGION=${AWS_REGION:-$AWS_DEFAULT_REGION}

log() { printf '[deploy] %s\n' "$*"; }

# API Gateway response streaming is AWS-only: LocalStack 4.14 refuses the STREAM integration's
# response-streaming-invocations URI ("Integrations of type 'AWS_PROXY' currently only supports
# Lambda function and Firehose stream invocations."). Say so before building anything.
if [ "${TF_VAR_streaming_enabled:-false}" = true ]; then
  log "streaming_enabled = true is AWS-only: LocalStack 4.14 refuses API Gateway STREAM integrations."
  log "Deploy it to AWS (terraform/README.md), or use the embedded stack: docker compose --profile embedded up embedded-client"
  exit 2
fi

log "copying sources from ${SRC_DIR} to ${BUILD_DIR}"
mkdir -p "$BUILD_DIR"
# Keep node_modules between runs (npm ci replaces it anyway, from a warm cache).
find "$BUILD_DIR" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
tar -C "$SRC_DIR" \
  --exclude=./.git --exclude=./node_modules --exclude=./dist \
  --exclude=./terraform/.terraform --exclude='./terraform/terraform.tfstate*' \
  --exclude=./terraform/terraform.tfvars --exclude=./localstack/.state \
  --exclude=./loadtest/results --exclude=./.local \
  -cf - . | tar -C "$BUILD_DIR" -xf -

log "building the Lambda bundles"
cd "$BUILD_DIR"
npm ci --no-audit --no-fund --loglevel=error
npm run build
for zip in dist/mcp-server.zip dist/authorizer.zip; do
  [ -s "$zip" ] || { log "missing ${BUILD_DIR}/${zip} after npm run build"; exit 1; }
done

log "preparing ${TF_DIR}"
mkdir -p "$TF_DIR" "${TF_PLUGIN_CACHE_DIR:-/state/plugin-cache}"
# Replace our configuration; keep .terraform, the lock file and the state.
# This also removes a provider override left by an interrupted tflocal run,
# which would make tflocal refuse to start.
find "$TF_DIR" -maxdepth 1 -name '*.tf' -delete
cp "$BUILD_DIR"/terraform/*.tf "$TF_DIR"/
cd "$TF_DIR"

tf_vars=(
  -var "region=${AWS_DEFAULT_REGION}"
  -var "mcp_zip_path=${BUILD_DIR}/dist/mcp-server.zip"
  -var "authorizer_zip_path=${BUILD_DIR}/dist/authorizer.zip"
)
# The token goes through the environment rather than the command line.
TF_VAR_static_tokens=$(printf '["%s"]' "$MCP_TOKEN")
export TF_VAR_static_tokens

log "tflocal init"
tflocal init -input=false -no-color

log "tflocal apply"
if ! tflocal apply -auto-approve -input=false -no-color "${tf_vars[@]}"; then
  # The state outlives LocalStack (whose free edition keeps nothing across
  # restarts). Each apply refreshes first: what LocalStack no longer holds
  # drops out of the state and is created again, and what it still holds is
  # kept, so the state is never thrown away (that would orphan resources, and
  # the next apply would fail on names already taken). A second try also gets
  # past a function still starting when its permission was added.
  log "apply failed; retrying once (the state is kept)"
  sleep 5
  if ! tflocal apply -auto-approve -input=false -no-color "${tf_vars[@]}"; then
    log "apply failed twice. To start from scratch: docker compose down -v && docker compose up"
    exit 1
  fi
fi

api_id=$(tflocal output -raw api_id)
stage=$(tflocal output -raw stage_name)
# Path-style invoke URL: resolvable from every container on the network,
# unlike <api-id>.execute-api.localhost.localstack.cloud (127.0.0.1).
endpoint="${LOCALSTACK_ENDPOINT}/_aws/execute-api/${api_id}/${stage}/mcp"

log "invoking the authorizer Lambda directly (LocalStack's API Gateway never calls it)"
node "$BUILD_DIR/localstack/check-authorizer.mjs" "$(tflocal output -raw authorizer_function_name)" "$api_id" "$stage"

mkdir -p "$SHARED_DIR"
tflocal output -json -no-color > "$SHARED_DIR/outputs.json.tmp"
mv "$SHARED_DIR/outputs.json.tmp" "$SHARED_DIR/outputs.json"
printf '%s\n' "$endpoint" > "$SHARED_DIR/endpoint.tmp"
mv "$SHARED_DIR/endpoint.tmp" "$SHARED_DIR/endpoint"

log "MCP endpoint: ${endpoint}"
log "done"
