package freeport_test

import (
	"net"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/turbocache/turbocache/internal/freeport"
)

func TestGetReturnsAPortOneCanListenOn(t *testing.T) {
	port, err := freeport.Get()
	require.NoError(t, err)
	n, err := strconv.Atoi(port)
	require.NoError(t, err)
	require.Positive(t, n)
	ln, err := net.Listen("tcp", "127.0.0.1:"+port)
	require.NoError(t, err, "port %s", port)
	require.NoError(t, ln.Close())
}
