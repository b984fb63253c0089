package selector_test

import (
	"context"
	"fmt"
	"os"

	"github.com/turbocache/turbocache/selector"
)

func ExampleFromEnv() {
	env := map[string]string{
		"S3_BUCKET_NAME":       "turbo-artifacts",
		"S3_ACCESS_KEY_ID":     "AKIAEXAMPLE",
		"S3_SECRET_ACCESS_KEY": "not-printed",
		"KV_NAMESPACE_ID":      "0f2ac74b498b48028cb68387c421e279",
	}
	_, err := selector.FromEnv(func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	})
	fmt.Println(err)
	// Output:
	// selector: KV is partly configured (KV_NAMESPACE_ID set): missing CLOUDFLARE_ACCOUNT_ID, CLOUDFLARE_API_TOKEN
}

func ExampleOpen() {
	dir, err := os.MkdirTemp("", "artifacts")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	sel, err := selector.Open(context.Background(), &selector.Config{Dir: dir})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sel.Backend)
	// Output:
	// dir
}
