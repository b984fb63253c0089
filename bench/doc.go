// Package bench holds the project's performance measurements: Go
// benchmarks of the handler's small-artifact path and of the stores (in this
// package's tests), the load command (bench/load), the floor server
// (bench/floor) and the comparison with the peer server (bench/compare,
// run through the bench/run script).
//
//	go test -run '^$' -bench . -benchtime 1s ./bench
//	bench/run
package bench
