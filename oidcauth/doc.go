// Package oidcauth authenticates requests to the remote cache with OpenID
// Connect ID tokens (JWTs), such as those CI systems give every job (GitHub
// Actions, GitLab CI, Buildkite, CircleCI), and maps their claims to teams
// and access with [Rule]s.
//
// An [Authenticator] is an [httpapi.Authenticator]: set it as
// httpapi.Options.Auth. A CI job then passes its token as TURBO_TOKEN, and
// the first rule whose claims all match the token decides which teams it may
// use and whether it may upload:
//
//	# claim=value[,claim=value...]             access  teams
//	repository_owner=acme,ref=refs/heads/main  rw      web,docs
//	repository_owner=acme                      ro      web,docs
//
// Tokens are verified with go-oidc and go-jose: the signature against the
// keys the issuer publishes (found through its discovery document), with an
// asymmetric algorithm only; then iss, aud, exp, nbf and iat, with a small
// clock skew. A token signed with an unknown key refetches the key set, at
// most once per [Config].RefreshInterval; the keys fetched stay in use while
// the issuer is unreachable. Verified tokens are remembered until they
// expire, so a job's many requests cost one signature check.
//
// Bearer tokens that are not JWTs go to [Config].Fallback, so that static
// tokens (an [httpapi.TokenAuth]) keep working beside the JWTs.
//
// Neither tokens nor claims are ever logged; logs name the rule that applied
// by its line in the rules file.
package oidcauth
