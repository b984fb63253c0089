// Package containertest runs the server's image, and the servers its tests
// need, as containers through testcontainers-go.
//
// It is a module of its own, for tests only, so that the library's module
// does not depend on testcontainers-go and its tree: `go test ./...` at the
// repository's root does not enter it; CI runs it from this directory.
//
// The images are built on the machine, around binaries built here: the
// server from ../examples/server with the repository's Containerfile
// (target "prebuilt"), and versitygw, the S3 server, around the pinned
// binary that .ci/install-versitygw builds (VERSITYGW_BIN). No registry is
// needed. A Docker-compatible engine is reached through DOCKER_HOST; podman's
// works (.ci/install-podman configures and starts it). testcontainers' reaper
// is not used (TESTCONTAINERS_RYUK_DISABLED=true): every test removes its
// own containers.
//
// Without an engine the tests are skipped, or fail when the environment sets
// TURBOCACHE_REQUIRE_SERVERS=1, as in CI.
package containertest
