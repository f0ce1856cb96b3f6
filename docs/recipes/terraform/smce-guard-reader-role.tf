# The AWS side of smce-guard's scheduled live check, for ONE account (docs/live.md: One read-only
# role per account). An SMCE Project-Admin applies it once in each account 2i2c checks, with that
# account's credentials; the live recipe (docs/recipes/workflows/smce-guard-live.yml) then assumes
# the role from its matrix job for that account. No AWS key is ever stored in GitHub: a workflow
# run proves who it is with GitHub's short-lived OIDC token, and AWS exchanges it for this role's
# credentials. This file creates:
#
# - GitHub's OIDC identity provider (token.actions.githubusercontent.com, audience
#   sts.amazonaws.com), unless the account already has it (an account holds at most one provider
#   per URL: set create_oidc_provider = false and the existing one is used).
# - A role that only workflow runs on the default branch of 2i2c-org/infrastructure may assume:
#   the trust policy requires sub = repo:2i2c-org/infrastructure:ref:refs/heads/main exactly
#   (StringEquals, no wildcards), so pull requests, forks, other branches, tags and environments
#   are refused.
# - Its only permissions: smce-guard's reader policy, read from the JSON file named by
#   reader_policy_file (copy it from smce-guard's iam/ folder beside this file), so the two never
#   drift. A test holds that file to the operations the binary sends.
#
#   terraform init && terraform apply     # then put the role_arn output into the live recipe's matrix

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "github_repository" {
  description = "The repository whose scheduled workflow runs the live check, as OWNER/REPO."
  type        = string
  default     = "2i2c-org/infrastructure"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be OWNER/REPO, without wildcards."
  }
}

variable "github_branch" {
  description = "The only branch whose runs may assume the role: the repository's default branch."
  type        = string
  default     = "main"

  validation {
    condition     = length(var.github_branch) > 0 && !can(regex("[*?]", var.github_branch))
    error_message = "github_branch must name one branch, without wildcards."
  }
}

variable "role_name" {
  description = "The name of the read-only role (the live recipe's matrix names it in each role ARN)."
  type        = string
  default     = "smce-guard-reader"
}

variable "reader_policy_file" {
  description = "smce-guard's reader policy, a JSON file beside this one (copied from smce-guard's iam/ folder)."
  type        = string
  default     = "smce-guard-reader.json"
}

variable "create_oidc_provider" {
  description = "Whether to create GitHub's OIDC provider; false when the account already has it."
  type        = bool
  default     = true
}

data "aws_caller_identity" "current" {}

resource "aws_iam_openid_connect_provider" "github" {
  count          = var.create_oidc_provider ? 1 : 0
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # AWS no longer checks this thumbprint for GitHub (it trusts the provider's CA), but older AWS
  # provider versions require one.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

locals {
  oidc_provider_arn = (var.create_oidc_provider
    ? aws_iam_openid_connect_provider.github[0].arn
  : "arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/token.actions.githubusercontent.com")
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "GitHubDefaultBranchOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "token.actions.githubusercontent.com:sub"
      values   = ["repo:${var.github_repository}:ref:refs/heads/${var.github_branch}"]
    }
  }
}

resource "aws_iam_role" "reader" {
  name                 = var.role_name
  description          = "smce-guard live check from ${var.github_repository}@${var.github_branch} (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "reader" {
  name   = "smce-guard-reader"
  role   = aws_iam_role.reader.id
  policy = jsonencode(jsondecode(file("${path.module}/${var.reader_policy_file}")))
}

output "role_arn" {
  description = "The role the live recipe's matrix assumes for this account (role-to-assume)."
  value       = aws_iam_role.reader.arn
}
