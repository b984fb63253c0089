package s3store

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/turbocache/turbocache/storage"
)

// List yields the artifacts whose keys start with prefix, a page of
// ListObjectsV2 at a time. Created is the object's LastModified time.
// Objects under the store's prefix whose names are not valid keys were not
// written by a Store and are left out.
func (s *Store) List(ctx context.Context, prefix string) iter.Seq2[storage.Object, error] {
	return func(yield func(storage.Object, error) bool) {
		pages := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
			Bucket: aws.String(s.bucket),
			Prefix: aws.String(s.prefix + prefix),
		})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				yield(storage.Object{}, fmt.Errorf("s3store: list %q in bucket %q: %w", prefix, s.bucket, err))
				return
			}
			for _, obj := range page.Contents {
				key, ok := strings.CutPrefix(aws.ToString(obj.Key), s.prefix)
				if !ok || storage.ValidKey(key) != nil {
					continue
				}
				o := storage.Object{Key: key, Size: aws.ToInt64(obj.Size), Created: aws.ToTime(obj.LastModified)}
				if !yield(o, nil) {
					return
				}
			}
		}
	}
}
