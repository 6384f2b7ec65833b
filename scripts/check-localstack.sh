#!/usr/bin/env bash
# npm run check:localstack: terraform/ applied to a real LocalStack 4.14.0, without Docker.
#
#   1. installs LocalStack's runtime (PyPI localstack-core 4.14.0) and tflocal (terraform-local)
#      into a Python 3.13 venv of its own, outside the repository (idempotent)
#   2. starts it on 127.0.0.1 (a free port), with the services the stack uses
#   3. applies terraform/ with tflocal, in the Region below (not us-east-1, so every call must be
#      signed for it), in phases, as far as a LocalStack without Docker can go:
#        a. IAM, log groups, the REST API, its resources, the gateway responses
#        b. the two Lambda functions: CreateFunction must be accepted; the functions then fail
#           to start (no Docker to run them in), so Terraform's wait for Active fails; they are
#           untainted and the apply goes on
#        c. everything else: permissions, the authorizer, methods, integrations, deployment,
#           stage, method settings
#        d. plans again: re-running the deployer must change nothing (changes, if any, are listed)
#        e. streaming_enabled = true: LocalStack must refuse its integration URI (PutIntegration)
#           as localstack/README.md says (AWS-only)
#   4. runs the deploy script's own logic against it: the outputs, the path-style invoke URL,
#      and localstack/check-authorizer.mjs (signed for the Region; the function is found there,
#      and LocalStack answers that it cannot run)
# and prints what LocalStack accepted and refused. Anything refused that a LocalStack with Docker
# would refuse too fails the check (exit 1).
#
# Not applied: the DynamoDB task table (tasks_enabled = false): LocalStack serves DynamoDB by
# running DynamoDB Local, a Java program it downloads at first use.
#
# Needs the AWS provider 6 that `npm run check:terraform` builds and caches (about 50 min, once):
# without it the check is SKIPPED and exits 3, saying so.
#
# Environment:
#   STATELESS_MCP_TOOLS  tools root (default ~/.cache/stateless-mcp/tools); LocalStack goes in
#                        <tools>/localstack
#   STATELESS_MCP_CACHE  cache root of check:terraform (default ~/.cache/stateless-mcp)
#   PYTHON313            a Python 3.13 interpreter (default: python3.13, or pyenv's 3.13)
#   CHECK_REGION         Region to deploy to (default eu-west-1)
#   KEEP_WORK=1          keep the working directory and LocalStack's log
set -euo pipefail

LOCALSTACK_VERSION=4.14.0
TERRAFORM_LOCAL_VERSION=0.27.0
# localstack-core 4.14.0 imports cbor2._decoder, which cbor2 6 removed (the symptom is "No
# component plugins found in namespace localstack.runtime.components"); its TLS stack wants these.
LOCALSTACK_PINS=("cbor2<6" "pyopenssl==24.2.1" "cryptography==43.0.3" "service_identity<25")

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS=${STATELESS_MCP_TOOLS:-$HOME/.cache/stateless-mcp/tools}
VENV="$TOOLS/localstack/venv"
CACHE_ROOT=${STATELESS_MCP_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stateless-mcp}
AWS_PROVIDER_VERSION=$(sed -n 's/^AWS_PROVIDER_VERSION=\${AWS_PROVIDER_VERSION:-\(.*\)}$/\1/p' "$ROOT/scripts/check-terraform.sh")
MIRROR="$CACHE_ROOT/terraform-provider/mirror"
REGION=${CHECK_REGION:-eu-west-1}

log() { printf '[check-localstack] %s\n' "$*"; }
die() {
  printf '[check-localstack] error: %s\n' "$*" >&2
  exit 1
}
skip() {
  printf '[check-localstack] SKIPPED: %s\n' "$*" >&2
  exit 3
}

command -v terraform >/dev/null || skip "terraform is not on PATH"
command -v go >/dev/null || skip "go is not on PATH (needed to name the provider's platform)"
PROVIDER_BIN="$MIRROR/registry.terraform.io/hashicorp/aws/$AWS_PROVIDER_VERSION/$(go env GOOS)_$(go env GOARCH)/terraform-provider-aws_v$AWS_PROVIDER_VERSION"
[ -x "$PROVIDER_BIN" ] ||
  skip "no cached AWS provider $AWS_PROVIDER_VERSION at $PROVIDER_BIN: run npm run check:terraform once to build it (about 50 min on 2 cores)"

# --- LocalStack and tflocal in a venv of their own ------------------------------------------
find_python313() {
  local candidate
  for candidate in "${PYTHON313:-}" python3.13 "$(pyenv root 2>/dev/null)"/versions/3.13*/bin/python3.13; do
    [ -n "$candidate" ] || continue
    if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}
installed_version() { "$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true; }
if [ "$(installed_version localstack-core)" != "$LOCALSTACK_VERSION" ] || [ "$(installed_version terraform-local)" != "$TERRAFORM_LOCAL_VERSION" ]; then
  python=$(find_python313) || skip "no Python 3.13 (set PYTHON313, or install it: pyenv install 3.13, apt-get install python3.13)"
  log "installing localstack-core $LOCALSTACK_VERSION and terraform-local $TERRAFORM_LOCAL_VERSION into $VENV"
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "localstack-core[runtime]==$LOCALSTACK_VERSION" "${LOCALSTACK_PINS[@]}" "terraform-local==$TERRAFORM_LOCAL_VERSION"
fi

# --- Start LocalStack on 127.0.0.1 ------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-localstack.XXXXXX")
LS_PID=
cleanup() {
  if [ -n "$LS_PID" ] && kill -0 "$LS_PID" 2>/dev/null; then
    kill "$LS_PID" 2>/dev/null || true
    wait "$LS_PID" 2>/dev/null || true
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

PORT=$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ENDPOINT="http://127.0.0.1:$PORT"
log "starting LocalStack $LOCALSTACK_VERSION on $ENDPOINT (log: $WORK/localstack.log)"
# OVERRIDE_IN_DOCKER=0: host mode even where /.dockerenv exists (its files then go under
# FILESYSTEM_ROOT). No DNS server, no certificate download, no analytics: nothing leaves the host.
(
  cd "$WORK"
  OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$WORK/localstack-fs" GATEWAY_LISTEN="127.0.0.1:$PORT" \
    SERVICES=iam,sts,lambda,apigateway,logs,cloudwatch EAGER_SERVICE_LOADING=0 \
    DNS_ADDRESS=0 SKIP_SSL_CERT_DOWNLOAD=1 DISABLE_EVENTS=1 LOCALSTACK_TELEMETRY=0 \
    exec "$VENV/bin/python" -m localstack.runtime.main >"$WORK/localstack.log" 2>&1
) &
LS_PID=$!
for _ in $(seq 1 120); do
  if curl -fsS "$ENDPOINT/_localstack/health" 2>/dev/null | grep -Eq '"lambda": ?"(available|running)"'; then break; fi
  kill -0 "$LS_PID" 2>/dev/null || {
    tail -30 "$WORK/localstack.log" >&2
    die "LocalStack exited during start-up"
  }
  sleep 1
done
curl -fsS "$ENDPOINT/_localstack/health" | grep -q '"version": "'"$LOCALSTACK_VERSION"'"' || die "LocalStack $LOCALSTACK_VERSION did not become healthy"
log "LocalStack $LOCALSTACK_VERSION healthy"

# --- Terraform through tflocal, with the cached provider --------------------------------------
log "npm run build (the Lambda bundles)"
(cd "$ROOT" && npm run build --silent >"$WORK/build.log" 2>&1) || {
  cat "$WORK/build.log" >&2
  die "npm run build failed"
}

cat >"$WORK/terraformrc" <<EOF
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["hashicorp/aws"]
  }
  direct {
    exclude = ["hashicorp/aws"]
  }
}
EOF
export TF_CLI_CONFIG_FILE="$WORK/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 DISABLE_DEPRECATION_NOTICE=1
export AWS_ENDPOINT_URL="$ENDPOINT" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
export AWS_DEFAULT_REGION="$REGION" AWS_REGION="$REGION"
export PATH="$VENV/bin:$PATH"
export MCP_TOKEN=check-localstack-token-0123456789
export TF_VAR_static_tokens="[\"$MCP_TOKEN\"]"
TF="$WORK/terraform"
mkdir -p "$TF"
cp "$ROOT"/terraform/*.tf "$TF"/
cd "$TF"
tf_vars=(
  -var "region=$REGION"
  -var "mcp_zip_path=$ROOT/dist/mcp-server.zip"
  -var "authorizer_zip_path=$ROOT/dist/authorizer.zip"
  -var "tasks_enabled=false"
)

log "tflocal init (AWS provider $AWS_PROVIDER_VERSION from $MIRROR)"
tflocal init -input=false -no-color >"$WORK/init.log" 2>&1 || {
  cat "$WORK/init.log" >&2
  die "tflocal init failed"
}

declare -a REPORT=()
FAILED=0
record() { REPORT+=("$(printf '%-9s %s' "$1" "$2")"); }
apply() { # apply <log name> <args...>
  local name=$1
  shift
  tflocal apply -auto-approve -input=false -no-color "${tf_vars[@]}" "$@" >"$WORK/$name.log" 2>&1
}
errors_of() { grep -E '^(│ )?Error: |api error|StatusCode: [0-9]+' "$WORK/$1.log" | sed 's/^│ //' | sort -u | head -8; }
in_state() { tflocal state list 2>/dev/null | grep -Fx "$1" >/dev/null; }

# a. Everything that does not need a Lambda function.
PHASE_A=(
  aws_iam_role.mcp aws_iam_role.authorizer aws_iam_role_policy.mcp_logs aws_iam_role_policy.authorizer_logs
  aws_iam_role.apigateway_cloudwatch aws_iam_role_policy_attachment.apigateway_cloudwatch aws_api_gateway_account.this
  aws_cloudwatch_log_group.mcp aws_cloudwatch_log_group.authorizer aws_cloudwatch_log_group.access
  aws_api_gateway_rest_api.this aws_api_gateway_resource.mcp aws_api_gateway_resource.health
  aws_api_gateway_resource.well_known aws_api_gateway_resource.protected_resource_metadata
  aws_api_gateway_resource.protected_resource_metadata_mcp aws_api_gateway_gateway_response.auth
)
log "a. IAM, log groups, REST API, resources, gateway responses"
if apply phase-a "${PHASE_A[@]/#/-target=}"; then
  for address in $(tflocal state list); do record accepted "$address"; done
else
  errors_of phase-a >&2
  record REFUSED "phase a: $(errors_of phase-a | head -1)"
  FAILED=1
fi

# b. The functions: accepted, then Failed without Docker.
log "b. Lambda functions (CreateFunction; no Docker to start them in)"
apply phase-b -target='aws_lambda_function.this["mcp"]' -target='aws_lambda_function.this["authorizer"]' || true
for fn in mcp authorizer; do
  address="aws_lambda_function.this[\"$fn\"]"
  if ! in_state "$address"; then
    errors_of phase-b >&2
    record REFUSED "$address: $(errors_of phase-b | head -1)"
    FAILED=1
    continue
  fi
  name=$(tflocal state show -no-color "$address" | sed -n 's/^ *function_name *= *"\(.*\)"$/\1/p')
  state=$("$VENV/bin/python" - "$name" <<'PY'
import sys, boto3
c = boto3.client("lambda").get_function_configuration(FunctionName=sys.argv[1])
print(f"{c['State']}: {c.get('StateReason', '')}")
PY
  )
  case "$state" in
    Active*) record accepted "$address (Active)" ;;
    Failed*)
      # The reason must be the missing runtime (Docker / the Lambda runtime download), nothing a
      # LocalStack with Docker would also hit.
      if grep -Eqi 'lambda-runtime|docker|runtime executor' <<<"$state$(grep -i 'runtime executor\|docker' "$WORK/localstack.log" | tail -1)"; then
        record accepted "$address (CreateFunction accepted; $state, as without Docker)"
        tflocal untaint -no-color "$address" >/dev/null
      else
        record REFUSED "$address ($state)"
        FAILED=1
      fi
      ;;
    *)
      record accepted "$address ($state)"
      tflocal untaint -no-color "$address" >/dev/null 2>&1 || true
      ;;
  esac
done

# c. The rest of the stack, on top of the (not runnable) functions.
log "c. permissions, authorizer, methods, integrations, deployment, stage, method settings"
before=$(tflocal state list)
if apply phase-c; then
  for address in $(comm -13 <(sort <<<"$before") <(tflocal state list | sort)); do record accepted "$address"; done
else
  for address in $(comm -13 <(sort <<<"$before") <(tflocal state list | sort)); do record accepted "$address"; done
  while IFS= read -r line; do record REFUSED "$line"; done < <(errors_of phase-c)
  FAILED=1
fi

# d. Idempotency: a plan right after the apply must be empty, so that re-running the deployer
# (a second `docker compose up`) changes nothing.
log "d. plans again: nothing may change"
plan_code=0
tflocal plan -detailed-exitcode -input=false -no-color "${tf_vars[@]}" >"$WORK/plan-2.log" 2>&1 || plan_code=$?
case "$plan_code" in
  0) record accepted "re-running the deployer changes nothing: the plan after the apply is empty" ;;
  2)
    changes=$({ grep -E '^  # .* (must be replaced|will be|has changed)' "$WORK/plan-2.log" || true; } | sed 's/^  # //' | paste -sd ';' -)
    record DRIFT "a second apply would change: $changes ($(grep -E '^Plan: ' "$WORK/plan-2.log"))"
    FAILED=1
    ;;
  *)
    errors_of plan-2 >&2
    record REFUSED "plan after apply failed"
    FAILED=1
    ;;
esac

# Outputs and the path-style URL, as localstack/deploy.sh builds them.
if [ "$FAILED" = 0 ]; then
  api_id=$(tflocal output -raw api_id)
  stage=$(tflocal output -raw stage_name)
  authorizer=$(tflocal output -raw authorizer_function_name)
  endpoint_url="$ENDPOINT/_aws/execute-api/$api_id/$stage/mcp"
  log "outputs: api_id=$api_id stage=$stage authorizer=$authorizer; endpoint $endpoint_url"
  # The path-style URL reaches this API: LocalStack routes GET /health to its (not runnable)
  # function, where an unknown API would be a 404.
  health=$(curl -sS -o "$WORK/health.body" -w '%{http_code}' "$ENDPOINT/_aws/execute-api/$api_id/$stage/health" || true)
  unknown=$(curl -sS -o /dev/null -w '%{http_code}' "$ENDPOINT/_aws/execute-api/no0such0api/$stage/health" || true)
  if [ "$health" != 404 ] && [ "$unknown" = 404 ]; then
    record accepted "path-style URL routes to the API (GET /health: $health, $(head -c 120 "$WORK/health.body"); unknown API: $unknown)"
  else
    record REFUSED "path-style URL: GET /health answered $health, an unknown API $unknown"
    FAILED=1
  fi
  # The deploy script's authorizer check, signed for $REGION: LocalStack finds the function there
  # and answers that it cannot run it (409 ResourceConflictException, state Failed); an unsigned
  # call would look in us-east-1 and get 404.
  set +e
  check=$(cd "$ROOT" && node localstack/check-authorizer.mjs "$authorizer" "$api_id" "$stage" 2>&1)
  set -e
  if grep -q "answered 409" <<<"$check" && grep -q "Failed" <<<"$check"; then
    record accepted "check-authorizer.mjs: function found in $REGION (409: it cannot run without Docker)"
  elif grep -q "deployed token → Allow" <<<"$check"; then
    record accepted "check-authorizer.mjs: $check"
  else
    record REFUSED "check-authorizer.mjs: $check"
    FAILED=1
  fi
fi

# e. Response streaming: AWS-only, LocalStack must refuse it the documented way. The integration
# Terraform would create (its URI from terraform console with streaming_enabled = true) is sent
# as PutIntegration, the call the provider makes for it, on the deployed API's /mcp method.
log "e. streaming_enabled = true (expected: refused)"
if [ "$FAILED" = 0 ]; then
  stream_uri=$(echo 'local.mcp_integration_uri' | tflocal console -no-color "${tf_vars[@]}" -var streaming_enabled=true | tr -d '"')
  mcp_resource=$(tflocal state show -no-color aws_api_gateway_resource.mcp | sed -n 's/^ *id *= *"\(.*\)"$/\1/p')
  set +e
  put=$("$VENV/bin/python" - "$api_id" "$mcp_resource" "$stream_uri" 2>&1 <<'PY'
import sys, boto3, botocore.exceptions
api, resource, uri = sys.argv[1:]
try:
    boto3.client("apigateway").put_integration(
        restApiId=api, resourceId=resource, httpMethod="ANY", type="AWS_PROXY",
        integrationHttpMethod="POST", uri=uri, timeoutInMillis=29000)
    print("accepted")
except botocore.exceptions.ClientError as error:
    print(f"{error.response['Error']['Code']}: {error.response['Error']['Message']}")
PY
  )
  set -e
  case "$put" in
    *"Integrations of type 'AWS_PROXY' currently only supports Lambda function"*)
      record refused "streaming_enabled = true: PutIntegration with $stream_uri (AWS-only, as documented: $put)" ;;
    accepted)
      record ACCEPTED "streaming_enabled = true: LocalStack accepted $stream_uri (localstack/README.md says it refuses it)"
      FAILED=1 ;;
    *)
      record REFUSED "streaming_enabled = true failed otherwise than documented: $put"
      FAILED=1 ;;
  esac
fi

log "result (LocalStack $LOCALSTACK_VERSION without Docker, AWS provider $AWS_PROVIDER_VERSION, Region $REGION):"
printf '  %s\n' "${REPORT[@]}"
if [ "$FAILED" = 1 ]; then
  KEEP_WORK=1
  die "LocalStack refused something a LocalStack with Docker would refuse too (logs in $WORK)"
fi
log "ok"
