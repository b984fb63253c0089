package nxapi

import (
	"io"
	"net/http"
	"strconv"
)

// contentTypeText is the Content-Type of every answer but a record's: nx
// prints the body of a 401 only when the type is exactly this, and reports
// a misconfigured server for "text/plain; charset=utf-8", which is what
// http.Error would send.
const contentTypeText = "text/plain"

// reply answers status with a one-line text message.
func reply(w http.ResponseWriter, status int, message string) {
	hd := w.Header()
	hd.Set("Content-Type", contentTypeText)
	hd.Set("Content-Length", strconv.Itoa(len(message)+1))
	hd.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, message+"\n")
}
