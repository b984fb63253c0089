// Package systest holds system tests of the standalone server, the package
// in the directory above (examples/server): each test builds it with go
// build, runs it as a real process on a loopback port over a local storage
// directory, and drives it over HTTP like a fleet of turbo clients would.
//
// The tests cover what only a real process shows: an upload interrupted by
// SIGKILL leaves no partial artifact and no temporary file behind, clients
// that send or read one byte at a time are cut off by the server's timeouts,
// and many concurrent clients get back exactly the bytes they stored while
// the server's memory stays bounded; on an S3 bucket (versitygw), it stays
// within the upload memory budget however many uploads arrive at once.
//
// The load test runs for 5 seconds with 16 clients by default; set
// TURBOCACHE_LOAD=1 for the full run (64 clients for 60 seconds), and
// TURBOCACHE_LOAD_CLIENTS and TURBOCACHE_LOAD_DURATION to choose others.
package systest
