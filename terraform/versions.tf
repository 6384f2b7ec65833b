terraform {
  # 1.9 lets a variable's validation refer to other variables.
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 6.25 added `response_transfer_mode` on aws_api_gateway_integration
      # (API Gateway response streaming); 6.26 lets STREAM integrations use
      # timeouts up to 900 000 ms. Provider 6 also removed `stage_name` from
      # aws_api_gateway_deployment, hence the separate aws_api_gateway_stage.
      # Pinned to the exact release that `npm run check:terraform` builds and
      # validates, so that every `terraform init` (yours, the Compose deployer's)
      # installs what was checked. No .terraform.lock.hcl is committed: its
      # hashes must come from the registry's own release packages, which the
      # checks cannot download. Raise this pin (and AWS_PROVIDER_VERSION in
      # scripts/check-terraform.sh) together; then `terraform init -upgrade`.
      version = "6.47.1"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = var.name }, var.tags)
  }
}
