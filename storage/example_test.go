package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/turbocache/turbocache/storage"
	"github.com/turbocache/turbocache/storage/memstore"
)

func Example() {
	ctx := context.Background()
	var s storage.Store = memstore.New(nil)

	body := "a zstd-compressed tar, for turbo"
	md := storage.Metadata{Duration: 1500 * time.Millisecond, SHA: "4f2a9c1"}
	if err := s.Put(ctx, "team_acme/6f1c2b5d9e0a", strings.NewReader(body), int64(len(body)), md); err != nil {
		fmt.Println(err)
		return
	}

	rc, info, err := s.Get(ctx, "team_acme/6f1c2b5d9e0a")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rc.Close()
	fmt.Printf("%d bytes, task took %v, built from %s\n", info.Size, info.Duration, info.SHA)
	io.Copy(os.Stdout, rc)
	fmt.Println()

	_, _, err = s.Get(ctx, "team_acme/0000000000")
	fmt.Println(errors.Is(err, storage.ErrNotFound))
	// Output:
	// 32 bytes, task took 1.5s, built from 4f2a9c1
	// a zstd-compressed tar, for turbo
	// true
}

func ExampleValidKey() {
	for _, key := range []string{"team/abc123", "../etc/passwd", "team//abc"} {
		fmt.Println(storage.ValidKey(key))
	}
	// Output:
	// <nil>
	// storage: invalid key "../etc/passwd": segment ".." is not allowed
	// storage: invalid key "team//abc": empty segment
}
