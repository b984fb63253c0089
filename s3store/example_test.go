package s3store_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/turbocache/turbocache/s3store"
)

// Open a store on an S3-compatible server. Nothing is sent until the first
// call.
func ExampleOpen() {
	store, err := s3store.Open(context.Background(), s3store.Config{
		Bucket:          "turbo-cache",
		Endpoint:        "https://s3.example.com:9000",
		UsePathStyle:    true,
		AccessKeyID:     "<access key ID>",
		SecretAccessKey: "<secret access key>",
		Options:         s3store.Options{Prefix: "turbo", PartSize: 16 << 20, Concurrency: 4},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store.Bucket())
	// Output: turbo-cache
}

// Configuration errors name the field at fault.
func ExampleOpen_invalid() {
	_, err := s3store.Open(context.Background(), s3store.Config{Bucket: "turbo-cache", Options: s3store.Options{PartSize: 1 << 20}})
	fmt.Println(err)
	// Output: s3store: Config.PartSize 1048576 is below S3's minimum of 5242880 bytes
}

// Wrap the client a program already has.
func ExampleNew() {
	client := s3.New(s3.Options{Region: "eu-west-1", Credentials: aws.AnonymousCredentials{}})
	store, err := s3store.New(client, "turbo-cache", &s3store.Options{Prefix: "turbo"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store.Bucket())
	// Output: turbo-cache
}
