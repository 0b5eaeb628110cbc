// Package evidence serves evidence files over HTTP, for the API and the
// pages alike.
package evidence

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"campusguard"
)

// Serve writes an evidence file's bytes with headers that keep a
// browser from treating them as anything but their sniffed type: nosniff,
// a download's Content-Disposition (images inline, so pages may show
// them), and a sandboxing Content-Security-Policy.
func Serve(w http.ResponseWriter, f *campusguard.File, b []byte) {
	h := w.Header()
	h.Set("Content-Type", f.Type)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Content-Length", strconv.Itoa(len(b)))
	disp := "attachment"
	if f.Image() {
		disp = "inline"
	}
	h.Set("Content-Disposition", disposition(disp, f.Name))
	w.Write(b)
}

// disposition returns a Content-Disposition with an ASCII fallback name
// and the UTF-8 one (RFC 6266 §4.3).
func disposition(kind, name string) string {
	var b, ascii strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			ascii.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	fallback := ascii.String()
	if fallback == "" || fallback[0] == '.' {
		fallback = "file" + fallback
	}
	return kind + `; filename="` + fallback + `"; filename*=UTF-8''` + b.String()
}
