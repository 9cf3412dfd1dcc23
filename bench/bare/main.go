// Command bare is the yardstick of bench/ratio.sh: a bare Go net/http
// server that answers every request with a small fixed JSON body, on
// loopback, with no middleware, no database and no logging.
//
//	go run ./bench/bare -addr 127.0.0.1:18481
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:18481", "listen address (loopback only)")
	flag.Parse()
	host, _, err := net.SplitHostPort(*addr)
	if err != nil || !(host == "127.0.0.1" || host == "::1" || host == "localhost") {
		fmt.Fprintln(os.Stderr, "bare: -addr must be a loopback HOST:PORT")
		os.Exit(2)
	}
	body := []byte(`{"id":"` + strings.Repeat("0", 26) + `","state":"identified","ok":true}` + "\n")
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}
