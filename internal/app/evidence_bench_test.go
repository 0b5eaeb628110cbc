package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"

	"campusguard"
	"campusguard/internal/app"
	"campusguard/internal/sqlstore/sqlstoretest"
)

// BenchmarkEvidence10MiB is issue 11's figure: the upload of a 10 MiB PDF
// through the API (multipart, sniffed, hashed, stored in the database) and
// its download, against the same 10 MiB posted to and read from a handler
// that does nothing with them, on loopback in the same run.
//
//	go test -run NONE -bench Evidence10MiB -benchtime 10x -count 6 ./internal/app
func BenchmarkEvidence10MiB(b *testing.B) {
	body := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("0123456789abcdef"), (campusguard.MaxFileSize-16)/16)...)
	raw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			io.Copy(io.Discard, r.Body)
			return
		}
		w.Write(body)
	}))
	b.Cleanup(raw.Close)
	for _, d := range sqlstoretest.Dialects(b) {
		s := sqlstoretest.OpenDialect(b, d)
		tr := sqlstoretest.MustTree(b, s)
		token, _, err := s.CreateToken(sqlstoretest.Ctx, "bench", campusguard.SchoolAdmin, tr.School.ID)
		if err != nil {
			b.Fatal(err)
		}
		m := &app.Main{Open: s, Addr: "127.0.0.1:0", Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
		if err := m.Run(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { m.Close() })
		client := &http.Client{}
		n := 0
		upload := func(b *testing.B, url string) int64 {
			n++
			doc := bytes.Clone(body)
			copy(doc[len(doc)-8:], fmt.Sprintf("%08d", n)) // new bytes each time: no dedup
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			fw, _ := mw.CreateFormFile("file", "方案.pdf")
			fw.Write(doc)
			mw.Close()
			req, _ := http.NewRequest(http.MethodPost, url, &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			defer resp.Body.Close()
			var f campusguard.File
			if url != raw.URL {
				if resp.StatusCode != http.StatusCreated {
					msg, _ := io.ReadAll(resp.Body)
					b.Fatalf("upload: %d %s", resp.StatusCode, msg)
				}
				json.NewDecoder(resp.Body).Decode(&f)
			}
			return f.ID
		}
		download := func(b *testing.B, url string) {
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			got, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK || got < campusguard.MaxFileSize-16 {
				b.Fatalf("download: %d, %d bytes", resp.StatusCode, got)
			}
		}
		id := upload(b, m.URL()+"/api/v1/orgs/"+fmt.Sprint(tr.School.ID)+"/files")
		b.Run(d+"/upload", func(b *testing.B) {
			b.SetBytes(campusguard.MaxFileSize)
			for b.Loop() {
				upload(b, m.URL()+"/api/v1/orgs/"+fmt.Sprint(tr.School.ID)+"/files")
			}
		})
		b.Run(d+"/download", func(b *testing.B) {
			b.SetBytes(campusguard.MaxFileSize)
			for b.Loop() {
				download(b, m.URL()+"/api/v1/files/"+fmt.Sprint(id)+"/content")
			}
		})
	}
	b.Run("baseline/upload", func(b *testing.B) {
		b.SetBytes(campusguard.MaxFileSize)
		for b.Loop() {
			req, _ := http.NewRequest(http.MethodPost, raw.URL, bytes.NewReader(body))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			resp.Body.Close()
		}
	})
	b.Run("baseline/download", func(b *testing.B) {
		b.SetBytes(campusguard.MaxFileSize)
		for b.Loop() {
			resp, err := http.Get(raw.URL)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	})
}
