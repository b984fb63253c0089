package tiered_test

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/turbocache/turbocache/examples/customstore/tiered"
	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

// A Put goes to the remote store only; the first Get copies the artifact to
// the local store, and later Gets read that copy while it is current.
func ExampleNew() {
	ctx := context.Background()
	// In production: an s3store as the remote and an fsstore as the local tier.
	remote, local := memstore.New(nil), memstore.New(nil)
	s := tiered.New(remote, local)

	body := "artifact bytes"
	if err := s.Put(ctx, "web/c0ffee", strings.NewReader(body), int64(len(body)), storage.Metadata{}); err != nil {
		panic(err)
	}
	_, err := local.Stat(ctx, "web/c0ffee")
	fmt.Println("after Put, local copy:", err)

	rc, info, err := s.Get(ctx, "web/c0ffee")
	if err != nil {
		panic(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil {
		panic(err)
	}
	rc.Close() // waits until the copy is stored
	fmt.Printf("Get: %q, %d bytes\n", got, info.Size)

	copied, err := local.Stat(ctx, "web/c0ffee")
	fmt.Println("after Get, local copy:", copied.Size, "bytes", err)
	// Output:
	// after Put, local copy: memstore: "web/c0ffee": storage: artifact not found
	// Get: "artifact bytes", 14 bytes
	// after Get, local copy: 14 bytes <nil>
}
