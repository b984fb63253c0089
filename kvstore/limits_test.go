package kvstore_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/turbocache/turbocache/kvstore/internal/miniflare"
	"github.com/turbocache/turbocache/kvstore/kvtest"
)

// rawAPI sends raw KV REST requests, for checks below the Store.
type rawAPI struct{ base, token string }

type rawAnswer struct {
	status  int
	success bool
	codes   []int
	message string
	body    []byte
}

func (a rawAPI) do(t *testing.T, method, path string, body []byte, contentType string) rawAnswer {
	t.Helper()
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+a.token)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, err = buf.ReadFrom(resp.Body)
	require.NoError(t, err)
	ans := rawAnswer{status: resp.StatusCode, body: buf.Bytes()}
	var env struct {
		Success bool `json:"success"`
		Errors  []struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if json.Unmarshal(buf.Bytes(), &env) == nil {
		ans.success = env.Success
		for _, e := range env.Errors {
			ans.codes = append(ans.codes, e.Code)
			ans.message = e.Message
		}
	}
	return ans
}

// TestLimitsAgree sends the same requests to kvtest and to Miniflare's KV
// engine and requires the same status and outcome: kvtest must enforce the
// limits the real engine enforces.
func TestLimitsAgree(t *testing.T) {
	mf := miniflare.Start(t)
	srv := kvtest.Start(t, nil)
	apis := map[string]rawAPI{
		"kvtest":    {srv.URL + "/accounts/" + srv.AccountID + "/storage/kv/namespaces/" + srv.NamespaceID, srv.Token},
		"miniflare": {mf.URL + "/accounts/" + mf.AccountID + "/storage/kv/namespaces/" + mf.NamespaceID, mf.Token},
	}
	form := func(metadata string) ([]byte, string) {
		b := "--XX\r\nContent-Disposition: form-data; name=\"metadata\"\r\n\r\n" + metadata +
			"\r\n--XX\r\nContent-Disposition: form-data; name=\"value\"; filename=\"v\"\r\nContent-Type: application/octet-stream\r\n\r\nvalue\r\n--XX--\r\n"
		return []byte(b), "multipart/form-data; boundary=XX"
	}
	okMeta, formType := form(`{"a":"` + strings.Repeat("x", 1000) + `"}`)
	bigMeta, _ := form(`{"a":"` + strings.Repeat("x", 1100) + `"}`)
	for _, tc := range []struct {
		name        string
		method      string
		path        string
		body        []byte
		contentType string
		status      int
		code        int // an error code both must give, if not zero
	}{
		{"put", "PUT", "/values/k", []byte("v"), "", 200, 0},
		{"put slash key", "PUT", "/values/a%2Fb%2F~c", []byte("v"), "", 200, 0},
		{"get", "GET", "/values/k", nil, "", 200, 0},
		{"get missing", "GET", "/values/missing", nil, "", 404, 10009},
		{"metadata missing", "GET", "/metadata/missing", nil, "", 404, 10009},
		{"delete missing", "DELETE", "/values/missing", nil, "", 200, 0},
		{"ttl 60", "PUT", "/values/t?expiration_ttl=60", []byte("v"), "", 200, 0},
		{"ttl 59", "PUT", "/values/t?expiration_ttl=59", []byte("v"), "", 400, 0},
		{"key 512 bytes", "PUT", "/values/" + strings.Repeat("k", 512), []byte("v"), "", 200, 0},
		{"key 513 bytes", "PUT", "/values/" + strings.Repeat("k", 513), []byte("v"), "", 414, 0},
		{"key dot", "PUT", "/values/.", []byte("v"), "", 400, 0},
		{"metadata 1,010 bytes", "PUT", "/values/m", okMeta, formType, 200, 0},
		{"metadata 1,110 bytes", "PUT", "/values/m", bigMeta, formType, 413, 0},
		{"value 25 MiB", "PUT", "/values/big", make([]byte, 25<<20), "", 200, 0},
		{"value 25 MiB + 1", "PUT", "/values/big", make([]byte, 25<<20+1), "", 413, 0},
		{"list limit 10", "GET", "/keys?limit=10", nil, "", 200, 0},
		{"list limit 9", "GET", "/keys?limit=9", nil, "", 400, 0},
		{"list limit 1001", "GET", "/keys?limit=1001", nil, "", 400, 0},
		{"bulk delete", "POST", "/bulk/delete", []byte(`["k","missing"]`), "application/json", 200, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for name, api := range apis {
				ans := api.do(t, tc.method, tc.path, tc.body, tc.contentType)
				require.Equal(t, tc.status, ans.status, "%s: %s", name, ans.body)
				if tc.method != "GET" || !strings.HasPrefix(tc.path, "/values/") || tc.status != 200 {
					require.Equal(t, tc.status == 200, ans.success, "%s: envelope success: %s", name, ans.body)
				}
				if tc.code != 0 {
					require.Contains(t, ans.codes, tc.code, "%s: %s", name, ans.body)
				}
			}
		})
	}
	t.Run("list pages", func(t *testing.T) {
		for name, api := range apis {
			for i := range 25 {
				require.Equal(t, 200, api.do(t, "PUT", "/values/page%2F"+itoa(100+i), []byte("v"), "").status)
			}
			var names []string
			cursor := ""
			for pages := 0; ; pages++ {
				require.Less(t, pages, 10, name)
				ans := api.do(t, "GET", "/keys?prefix=page%2F&limit=10&cursor="+cursor, nil, "")
				require.Equal(t, 200, ans.status, "%s: %s", name, ans.body)
				var env struct {
					Result []struct {
						Name string `json:"name"`
					} `json:"result"`
					ResultInfo struct {
						Cursor string `json:"cursor"`
					} `json:"result_info"`
				}
				require.NoError(t, json.Unmarshal(ans.body, &env))
				for _, k := range env.Result {
					names = append(names, k.Name)
				}
				if env.ResultInfo.Cursor == "" {
					break
				}
				cursor = env.ResultInfo.Cursor
			}
			require.Len(t, names, 25, name)
			require.IsIncreasing(t, names, name)
		}
	})
}
