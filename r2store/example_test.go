package r2store_test

import (
	"context"
	"fmt"

	"github.com/turbocache/turbocache/r2store"
)

func ExampleOpen() {
	store, err := r2store.Open(context.Background(), r2store.Config{
		AccountID:       "0123456789abcdef0123456789abcdef",
		AccessKeyID:     "<R2 token's access key ID>",
		SecretAccessKey: "<R2 token's secret access key>",
		Bucket:          "turbo-cache",
		Jurisdiction:    "eu",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store.Bucket())
	// Output: turbo-cache
}
