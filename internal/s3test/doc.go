// Package s3test provides a real S3 server to tests.
//
// A server comes from the first of these that is available:
//
//  1. An S3 endpoint named by TURBOCACHE_S3_ENDPOINT, with the keys in
//     TURBOCACHE_S3_ACCESS_KEY_ID and TURBOCACHE_S3_SECRET_ACCESS_KEY and the
//     region in TURBOCACHE_S3_REGION (default us-east-1). Such a server is
//     shared as it is: it cannot be stopped, and its scheme is its own.
//  2. A versitygw process started by the test on 127.0.0.1: the binary named
//     by VERSITYGW_BIN, else the pinned build in the tools cache, else that
//     build made on first use with the go command.
//  3. A versitygw container, when TURBOCACHE_S3_IMAGE names an image and the
//     docker command reaches an engine.
//
// When none is available the test is skipped, or fails when the environment
// sets TURBOCACHE_REQUIRE_SERVERS=1.
//
// A test package keeps one [Pool] for its servers (one per [Options]) and
// closes it from TestMain; every test then takes a bucket of its own with
// [Server.NewBucket]. A test that stops and restarts a server starts its own
// with [Start].
package s3test
