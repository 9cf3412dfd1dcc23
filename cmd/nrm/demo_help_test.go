package main

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/nrmproject/nrm/sqlstore"
	"github.com/nrmproject/nrm/sqlstore/storetest"
)

// TestDemoHelpPage: the demo's public help page takes messages, into the
// demo NGO's inbox, without --help-org; the printed help says where.
func TestDemoHelpPage(t *testing.T) {
	t.Parallel()
	storetest.ForEachEngine(t, func(t *testing.T, engine sqlstore.Engine) {
		in := newInstance(t, engine)
		c := MustServe(t, in, "--demo")
		c.MustLine(t, regexp.MustCompile(`help page is http://\S+/help; its messages go to Demo Safe House NGO`))
		hc := &http.Client{Timeout: 30 * time.Second}
		res, err := hc.Get(c.url + "/help")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `name="message"`) {
			t.Fatalf("GET /help: %d, no form:\n%s", res.StatusCode, b)
		}
		c.MustStop(t)
	})
}
