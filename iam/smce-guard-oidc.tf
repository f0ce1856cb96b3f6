# The AWS side of the scheduled live check across an organization (docs/howto/every-account.md).
#
# GitHub Actions proves who a run is with a short-lived OIDC token; AWS exchanges it for the
# credentials of the role below, so no AWS key is ever stored in GitHub. This file creates:
#
# - GitHub's OIDC identity provider (token.actions.githubusercontent.com, audience sts.amazonaws.com).
#   An account holds at most one provider per URL: if it already has one, import it
#   (terraform import aws_iam_openid_connect_provider.github <its ARN>) rather than creating another.
# - A role that only workflow runs on the default branch of the infrastructure repository may
#   assume: the trust policy requires sub = repo:OWNER/REPO:ref:refs/heads/BRANCH exactly
#   (StringEquals, no wildcards), so pull requests, forks, other branches, tags and environments
#   are refused.
# - Its only permissions, read from the two files beside this one so they never drift (a test
#   holds their union equal to the operations the binary sends):
#   iam/smce-guard-reader.json, the IAM reads (for an account read without assuming a role), and
#   iam/smce-guard-organization.json, organizations:ListAccounts and sts:AssumeRole into the role
#   `smce-guard-reader` of each member account.
#
# Give each member account a dedicated read-only role named smce-guard-reader, granted
# iam/smce-guard-reader.json and trusting this role, rather than letting the checker assume
# OrganizationAccountAccessRole (an administrator in every member account by default): the
# binary passes iam/smce-guard-reader.json as the session policy of every role it assumes, so its
# own sessions can only read, but credentials allowed to assume an administrator role are worth
# stealing.
#
# Apply it in the account the checker starts from; store the role_arn output as the repository
# variable SMCE_GUARD_ROLE_ARN.

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
  description = "The name of the checker's role: it reads IAM and assumes each member account's smce-guard-reader role."
  type        = string
  default     = "smce-guard-readonly"
}

resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
  # AWS no longer checks this thumbprint for GitHub (it trusts the provider's CA), but older AWS
  # provider versions require one.
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
}

data "aws_iam_policy_document" "trust" {
  statement {
    sid     = "GitHubDefaultBranchOnly"
    effect  = "Allow"
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.github.arn]
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

resource "aws_iam_role" "smce_guard" {
  name                 = var.role_name
  description          = "smce-guard live check from ${var.github_repository}@${var.github_branch} (read-only)"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "smce_guard_reader" {
  name   = "smce-guard-reader"
  role   = aws_iam_role.smce_guard.id
  policy = jsonencode(jsondecode(file("${path.module}/smce-guard-reader.json")))
}

resource "aws_iam_role_policy" "smce_guard_organization" {
  name   = "smce-guard-organization"
  role   = aws_iam_role.smce_guard.id
  policy = jsonencode(jsondecode(file("${path.module}/smce-guard-organization.json")))
}

output "role_arn" {
  description = "Store as the repository variable SMCE_GUARD_ROLE_ARN (role-to-assume)."
  value       = aws_iam_role.smce_guard.arn
}
