// Command decodeonly is the baseline of the external check benchmark
// (bench/wrk.sh, issue 20): an HTTP server that only decodes a check's JSON,
// as the product's handler does, and answers 204. It stores nothing and
// checks no token; its throughput under the same wrk load is what the
// product's durable check is measured against.
//
//	go run ./bench/decodeonly -addr 127.0.0.1:8090
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

// check mirrors the fields of the product's check input that the
// benchmark's requests carry.
type check struct {
	PersonID    int64    `json:"person_id"`
	Kind        string   `json:"kind"`
	Temperature *float64 `json:"temperature"`
	Symptoms    []string `json:"symptoms"`
	Attendance  string   `json:"attendance"`
	ClientKey   string   `json:"client_key"`
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "listen address")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stdout, "decode-only serving http://%s\n", ln.Addr())
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in check
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})}
	log.Fatal(srv.Serve(ln))
}
