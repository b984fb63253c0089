// Package freeport finds a loopback TCP port for a test's server.
//
// The port is free when Get returns, not necessarily a moment later:
// another process may take it first, so callers that can retry do.
package freeport

import (
	"fmt"
	"net"
	"strconv"
)

// Get asks the kernel for a free TCP port on 127.0.0.1 and returns its
// number as a string, ready for an address or a command-line flag.
func Get() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("freeport: find a free port: %w", err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port), nil
}
