// Command load drives one URL with a fixed number of concurrent clients for
// a fixed time and prints throughput and latency percentiles. It is nrm's
// load generator for the figures in bench/README.md.
//
//	go run ./bench/load -url http://127.0.0.1:8080/api/v1/cases/ID -token nrm_... -c 32 -d 20s
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"
	"time"
)

func main() {
	url := flag.String("url", "", "URL to GET")
	token := flag.String("token", "", "bearer token")
	conc := flag.Int("c", 32, "concurrent clients")
	dur := flag.Duration("d", 20*time.Second, "measured duration")
	warm := flag.Duration("warmup", 3*time.Second, "unmeasured warm-up")
	label := flag.String("label", "", "label for the result line")
	cookie := flag.String("cookie", "", "a Cookie header to send (a web session)")
	flag.Parse()
	if *url == "" {
		fmt.Fprintln(os.Stderr, "load: -url is required")
		os.Exit(2)
	}
	tr := &http.Transport{MaxIdleConns: *conc, MaxIdleConnsPerHost: *conc, MaxConnsPerHost: *conc}
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	get := func() (int, error) {
		req, _ := http.NewRequest("GET", *url, nil)
		if *token != "" {
			req.Header.Set("Authorization", "Bearer "+*token)
		}
		if *cookie != "" {
			req.Header.Set("Cookie", *cookie)
		}
		res, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode, nil
	}
	if code, err := get(); err != nil || code != 200 {
		fmt.Fprintf(os.Stderr, "load: first request: status %d, %v\n", code, err)
		os.Exit(1)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *warm+*dur)
	defer cancel()
	start := time.Now().Add(*warm)
	lat := make([][]time.Duration, *conc)
	errs := make([]int, *conc)
	var wg sync.WaitGroup
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				t0 := time.Now()
				code, err := get()
				el := time.Since(t0)
				if t0.Before(start) || ctx.Err() != nil {
					continue
				}
				if err != nil || code != 200 {
					errs[w]++
					continue
				}
				lat[w] = append(lat[w], el)
			}
		}()
	}
	wg.Wait()
	var all []time.Duration
	nerr := 0
	for w := range lat {
		all = append(all, lat[w]...)
		nerr += errs[w]
	}
	slices.Sort(all)
	pct := func(p float64) float64 {
		if len(all) == 0 {
			return 0
		}
		return float64(all[int(float64(len(all)-1)*p)].Microseconds()) / 1000
	}
	fmt.Printf("%s requests=%d errors=%d rps=%.0f p50=%.2fms p90=%.2fms p99=%.2fms max=%.2fms clients=%d duration=%s\n",
		*label, len(all), nerr, float64(len(all))/dur.Seconds(), pct(.50), pct(.90), pct(.99), pct(1), *conc, *dur)
}
