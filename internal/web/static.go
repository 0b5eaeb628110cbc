package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// The assets: our CSS and script, and the vendored htmx and ECharts
// (static/vendor/fetch.sh brings those; the script itself is not served).
//
//go:embed static/*.css static/*.js static/*.svg static/vendor/*.js
var staticFS embed.FS

// staticFile is one embedded asset with its content hash.
type staticFile struct {
	body  []byte
	hash  string // hex, first 12 digits of the SHA-256
	ctype string
}

// staticFiles are the assets by their path under static/.
type staticFiles struct {
	files map[string]*staticFile
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{files: map[string]*staticFile{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(p))
		switch path.Ext(p) {
		case ".js":
			ctype = "text/javascript; charset=utf-8"
		case ".css":
			ctype = "text/css; charset=utf-8"
		case ".svg":
			ctype = "image/svg+xml"
		}
		st.files[strings.TrimPrefix(p, "static/")] = &staticFile{body: b, hash: hex.EncodeToString(sum[:])[:12], ctype: ctype}
		return nil
	})
	return st, err
}

// url returns the address of an asset with its content hash, so that a
// changed file gets a new URL and an unchanged one can be cached for good.
// It panics for an asset that does not exist, which the tests catch.
func (st *staticFiles) url(name string) string {
	f, ok := st.files[name]
	if !ok {
		panic(fmt.Sprintf("web: no static file %q", name))
	}
	return "/static/" + name + "?v=" + f.hash
}

// handleStatic handles "GET /static/{path...}": an embedded asset. Asked for
// with its current hash, it may be cached for a year; otherwise browsers
// revalidate it by its ETag.
func (s *Server) handleStatic(w http.ResponseWriter, r *http.Request) error {
	f, ok := s.static.files[r.PathValue("path")]
	if !ok {
		return errNotFound
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=0, must-revalidate")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	return nil
}
