# Every setting of the stack lives here. The embedded emulator (`npm start`)
# reads these defaults, plus an optional tfvars file, as its single source of
# truth: keep names and types stable, and keep defaults literal values.

# ---------------------------------------------------------------- general

variable "region" {
  description = "AWS Region to deploy to."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.region))
    error_message = "region must look like an AWS Region code, for example us-east-1."
  }
}

variable "name" {
  description = "Prefix of every resource name (functions, roles, log groups, API)."
  type        = string
  default     = "stateless-mcp"

  validation {
    # Lambda function names allow [A-Za-z0-9-_] and 64 characters; the longest
    # suffix added here is "-authorizer" (11 characters).
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$", var.name))
    error_message = "name must be 1-40 characters of letters, digits, '-' or '_', starting with a letter or digit."
  }
}

variable "stage_name" {
  description = "API Gateway stage name; the first path segment of the execute-api URL."
  type        = string
  default     = "dev"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]+$", var.stage_name)) && length(var.stage_name) <= 128
    error_message = "stage_name may contain only letters, digits and underscores (at most 128 characters)."
  }
}

variable "tags" {
  description = "Tags added to every resource that supports them."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------- Lambda

variable "mcp_zip_path" {
  description = "Path (relative to this folder) of the MCP server bundle written by `npm run build`; handler index.handler."
  type        = string
  default     = "../dist/mcp-server.zip"

  validation {
    condition     = endswith(var.mcp_zip_path, ".zip")
    error_message = "mcp_zip_path must point to a .zip file."
  }
}

variable "mcp_environment" {
  description = "Extra environment variables of the MCP function for your server module (for example a table name). Names must not start with AWS_ or collide with the variables the harness sets itself (lambda.tf)."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for key in keys(var.mcp_environment) :
      can(regex("^[A-Za-z][A-Za-z0-9_]*$", key)) && !startswith(key, "AWS_") &&
      !contains(["STAGE_NAME", "AUTHORIZATION_SERVERS", "SCOPES_SUPPORTED", "STREAMING_ENABLED", "POWERTOOLS_SERVICE_NAME", "NODE_OPTIONS", "LOG_LEVEL", "MCP_TASKS_TABLE", "MCP_CORS_ALLOWED_ORIGINS"], key)
    ])
    error_message = "mcp_environment names must be letters, digits and '_', not start with AWS_, and not be one the harness sets (STAGE_NAME, AUTHORIZATION_SERVERS, SCOPES_SUPPORTED, STREAMING_ENABLED, POWERTOOLS_SERVICE_NAME, NODE_OPTIONS, LOG_LEVEL, MCP_TASKS_TABLE, MCP_CORS_ALLOWED_ORIGINS)."
  }
}

variable "mcp_policy_json" {
  description = "An IAM policy document (JSON) attached to the MCP function's role, granting what your server module calls (for example dynamodb:GetItem on its table). Empty: the function may call no AWS API beyond its logs and the task table."
  type        = string
  default     = ""

  validation {
    condition     = var.mcp_policy_json == "" || can(jsondecode(var.mcp_policy_json).Statement)
    error_message = "mcp_policy_json must be empty or an IAM policy document with a Statement."
  }
}

variable "authorizer_zip_path" {
  description = "Path (relative to this folder) of the authorizer bundle written by `npm run build`; handler index.handler."
  type        = string
  default     = "../dist/authorizer.zip"

  validation {
    condition     = endswith(var.authorizer_zip_path, ".zip")
    error_message = "authorizer_zip_path must point to a .zip file."
  }
}

variable "lambda_runtime" {
  description = "Node.js runtime of both functions."
  type        = string
  default     = "nodejs22.x"

  validation {
    condition     = contains(["nodejs22.x", "nodejs24.x"], var.lambda_runtime)
    error_message = "lambda_runtime must be nodejs22.x or nodejs24.x."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of both functions (the bundles are plain JavaScript, so either works)."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be arm64 or x86_64."
  }
}

variable "mcp_memory_size" {
  description = "Memory of the MCP function in MB (CPU scales with it)."
  type        = number
  default     = 512

  validation {
    condition     = var.mcp_memory_size >= 128 && var.mcp_memory_size <= 10240 && floor(var.mcp_memory_size) == var.mcp_memory_size
    error_message = "mcp_memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "mcp_timeout_seconds" {
  description = "Timeout of the MCP function in seconds. API Gateway answers 504 after its 29 s integration timeout unless streaming_enabled is true, so more than 29 only helps when streaming."
  type        = number
  default     = 10

  validation {
    condition     = var.mcp_timeout_seconds >= 1 && var.mcp_timeout_seconds <= 900 && floor(var.mcp_timeout_seconds) == var.mcp_timeout_seconds
    error_message = "mcp_timeout_seconds must be a whole number between 1 and 900."
  }
}

variable "mcp_reserved_concurrency" {
  description = "Reserved concurrency of the MCP function: the most execution environments it may run at once (-1 = unreserved, shares the account pool). The emulator uses it as its concurrency limit."
  type        = number
  default     = 10

  validation {
    condition     = var.mcp_reserved_concurrency >= -1 && floor(var.mcp_reserved_concurrency) == var.mcp_reserved_concurrency
    error_message = "mcp_reserved_concurrency must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "authorizer_memory_size" {
  description = "Memory of the authorizer function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.authorizer_memory_size >= 128 && var.authorizer_memory_size <= 10240 && floor(var.authorizer_memory_size) == var.authorizer_memory_size
    error_message = "authorizer_memory_size must be a whole number of MB between 128 and 10240."
  }
}

variable "authorizer_timeout_seconds" {
  description = "Timeout of the authorizer function in seconds (it fetches the JWKS on a cold start in jwt mode)."
  type        = number
  default     = 5

  validation {
    condition     = var.authorizer_timeout_seconds >= 1 && var.authorizer_timeout_seconds <= 29 && floor(var.authorizer_timeout_seconds) == var.authorizer_timeout_seconds
    error_message = "authorizer_timeout_seconds must be a whole number between 1 and 29 (API Gateway stops waiting after 29 s)."
  }
}

variable "authorizer_reserved_concurrency" {
  description = "Reserved concurrency of the authorizer function: the most invocations it may run at once (-1 = unreserved, shares the account pool). API Gateway answers 500 to requests whose authorizer invocation is throttled; cached identities are not affected. The emulator uses it as the authorizer's concurrency limit."
  type        = number
  default     = 10

  validation {
    condition     = var.authorizer_reserved_concurrency >= -1 && floor(var.authorizer_reserved_concurrency) == var.authorizer_reserved_concurrency
    error_message = "authorizer_reserved_concurrency must be -1 (unreserved) or a whole number >= 0."
  }
}

variable "log_level" {
  description = "LOG_LEVEL of both functions (Powertools logger)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

# ---------------------------------------------------------------- authorizer

variable "authorizer_type" {
  description = "API Gateway Lambda authorizer type: TOKEN (bearer token from one header) or REQUEST (headers, query, context)."
  type        = string
  default     = "TOKEN"

  validation {
    condition     = contains(["TOKEN", "REQUEST"], var.authorizer_type)
    error_message = "authorizer_type must be TOKEN or REQUEST."
  }
}

variable "authorizer_identity_source" {
  description = "Identity source of the authorizer; also its cache key. API Gateway answers 401 without invoking the authorizer when it is missing. TOKEN: one method.request.header.<Name>; REQUEST: a comma-separated list."
  type        = string
  default     = "method.request.header.Authorization"

  validation {
    condition = (
      var.authorizer_type == "TOKEN"
      ? can(regex("^method\\.request\\.header\\.[!#$%&'*+.^_`|~0-9A-Za-z-]+$", var.authorizer_identity_source))
      : can(regex("^(method\\.request\\.(header|querystring|multivalueheader|multivaluequerystring)|stageVariables|context)\\.[^,\\s]+(\\s*,\\s*(method\\.request\\.(header|querystring|multivalueheader|multivaluequerystring)|stageVariables|context)\\.[^,\\s]+)*$", var.authorizer_identity_source))
    )
    error_message = "authorizer_identity_source must be method.request.header.<Name> for a TOKEN authorizer, or a comma-separated list of method.request.header|querystring|multivalueheader|multivaluequerystring.<name>, stageVariables.<name> or context.<name> for a REQUEST authorizer."
  }
}

variable "authorizer_identity_validation_expression" {
  description = "TOKEN authorizers only: a regular expression the identity must match, or API Gateway answers 401 without invoking the authorizer. Empty disables it."
  type        = string
  # The scheme is case-insensitive (RFC 9110 section 11.1); server/authorizer/bearer.ts accepts the same.
  default = "^[Bb][Ee][Aa][Rr][Ee][Rr] +[-A-Za-z0-9._~+/]+=*$"

  validation {
    condition     = var.authorizer_identity_validation_expression == "" || can(regexall(var.authorizer_identity_validation_expression, ""))
    error_message = "authorizer_identity_validation_expression must be a valid regular expression (or empty)."
  }
}

variable "authorizer_result_ttl_seconds" {
  description = "How long API Gateway caches an authorizer result per identity (0 disables caching). The cached policy applies to every method the token reaches."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_result_ttl_seconds >= 0 && var.authorizer_result_ttl_seconds <= 3600 && floor(var.authorizer_result_ttl_seconds) == var.authorizer_result_ttl_seconds
    error_message = "authorizer_result_ttl_seconds must be a whole number between 0 and 3600."
  }
}

variable "auth_mode" {
  description = "How the authorizer checks bearer tokens: static (a list of shared tokens) or jwt (signed tokens checked against a JWKS)."
  type        = string
  default     = "static"

  validation {
    condition     = contains(["static", "jwt"], var.auth_mode)
    error_message = "auth_mode must be static or jwt."
  }
}

variable "static_tokens" {
  description = "auth_mode = static: the accepted bearer tokens (at least 16 characters each, token68 characters only). Stored in the authorizer's environment and in the Terraform state: treat both as secret."
  type        = list(string)
  default     = []
  sensitive   = true

  validation {
    condition     = alltrue([for t in var.static_tokens : length(t) >= 16 && can(regex("^[-0-9a-zA-Z._~+/]+=*$", t))])
    error_message = "Every static token must be at least 16 characters of [-0-9a-zA-Z._~+/] optionally followed by '=' padding."
  }
}

variable "jwt_issuer" {
  description = "auth_mode = jwt: the expected `iss` claim, for example https://cognito-idp.<region>.amazonaws.com/<pool-id>."
  type        = string
  default     = ""

  validation {
    condition     = var.jwt_issuer == "" || can(regex("^https?://", var.jwt_issuer))
    error_message = "jwt_issuer must be an http(s) URL or empty."
  }
}

variable "jwt_jwks_url" {
  description = "auth_mode = jwt: URL of the issuer's JSON Web Key Set."
  type        = string
  default     = ""

  validation {
    condition     = var.jwt_jwks_url == "" || can(regex("^https?://", var.jwt_jwks_url))
    error_message = "jwt_jwks_url must be an http(s) URL or empty."
  }
}

variable "jwt_audience" {
  description = "auth_mode = jwt: the expected `aud` claim (RFC 8707 resource indicator). Empty = the MCP endpoint URL of this stage."
  type        = string
  default     = ""
}

variable "jwt_audience_claim" {
  description = "auth_mode = jwt: the claim that must hold jwt_audience. `aud` (RFC 8707, the default) or `client_id` for issuers whose access tokens carry no `aud`, such as Amazon Cognito (set jwt_audience to the app client id then)."
  type        = string
  default     = "aud"

  validation {
    condition     = contains(["aud", "client_id"], var.jwt_audience_claim)
    error_message = "jwt_audience_claim must be \"aud\" or \"client_id\"."
  }
}

variable "jwt_required_scopes" {
  description = "auth_mode = jwt: scopes every token must carry (space-separated `scope` or `scp` claim)."
  type        = list(string)
  default     = []
}

variable "jwt_allowed_algorithms" {
  description = "auth_mode = jwt: accepted JWS algorithms. Asymmetric only: never `none`, never HS*."
  type        = list(string)
  default     = ["RS256", "ES256"]

  validation {
    condition = length(var.jwt_allowed_algorithms) > 0 && alltrue([
      for a in var.jwt_allowed_algorithms :
      contains(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"], a)
    ])
    error_message = "jwt_allowed_algorithms must be a non-empty list of RS*, PS*, ES*, EdDSA or Ed25519 algorithms; `none` and HS* are refused."
  }
}

variable "authorization_servers" {
  description = "Issuer URLs listed as `authorization_servers` in the RFC 9728 protected resource metadata. Empty = [jwt_issuer] when auth_mode = jwt (the MCP spec requires at least one), none for static tokens."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for u in var.authorization_servers : can(regex("^https?://", u))])
    error_message = "authorization_servers must be http(s) URLs."
  }
}

variable "scopes_supported" {
  description = "Scopes listed as `scopes_supported` in the RFC 9728 protected resource metadata."
  type        = list(string)
  default     = []
}

# ---------------------------------------------------------------- API Gateway

variable "throttling_rate_limit" {
  description = "Steady-state request rate limit of each API method of the stage (requests per second; the stage method settings for */*)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit >= 0
    error_message = "throttling_rate_limit must be >= 0."
  }
}

variable "throttling_burst_limit" {
  description = "Burst limit of each API method of the stage (token bucket size, requests; the stage method settings for */*)."
  type        = number
  default     = 50

  validation {
    condition     = var.throttling_burst_limit >= 0 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number >= 0."
  }
}

variable "streaming_enabled" {
  description = "Opt-in API Gateway response streaming: the MCP integrations use responseTransferMode STREAM and Lambda's response-streaming invocation path; the function must then stream its response."
  type        = bool
  default     = false
}

variable "cors_allowed_origins" {
  description = "Browser origins (scheme://host[:port], e.g. https://app.example.com) allowed to call the API with CORS: API Gateway answers their preflight itself, and the function's responses and the 401/403 gateway responses carry the CORS headers. Empty (the default): no CORS at all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for origin in var.cors_allowed_origins : can(regex("^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$", origin))])
    error_message = "Each CORS origin is scheme://host[:port] with http or https, no path and no trailing slash (a browser's Origin header never has one)."
  }
}

variable "manage_api_gateway_account" {
  description = "Create the IAM role API Gateway needs to write access logs and register it in the Region's API Gateway account settings. That setting is one per account and Region: set false if something else already manages it."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------- logs

variable "log_retention_days" {
  description = "Retention of the functions' and the stage's log groups, in days."
  type        = number
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

# ---------------------------------------------------------------- tasks

variable "tasks_enabled" {
  description = "Offer the MCP tasks extension (io.modelcontextprotocol/tasks): a DynamoDB table holds the tasks so that every execution environment sees them. The embedded emulator uses a shared directory instead."
  type        = bool
  default     = true
}

variable "tasks_point_in_time_recovery" {
  description = "Point-in-time recovery (continuous backups) for the task table. Tasks live for an hour at most, so this mainly matters if tools keep results worth restoring; it is billed per GB-month of table size."
  type        = bool
  default     = true
}
