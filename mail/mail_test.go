package mail_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/nrmproject/nrm/mail"
)

// A real SMTP server on loopback offering STARTTLS and AUTH PLAIN.
type server struct {
	mu       sync.Mutex
	tls      []bool // per message: was the connection encrypted
	raw      []string
	password string
}

type session struct {
	s    *server
	conn *smtp.Conn
}

func (x *session) Reset()                               {}
func (x *session) Logout() error                        { return nil }
func (x *session) Mail(string, *smtp.MailOptions) error { return nil }
func (x *session) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (x *session) AuthMechanisms() []string             { return []string{sasl.Plain} }
func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "nrm" || pass != x.s.password {
			return errors.New("bad credentials")
		}
		return nil
	}), nil
}
func (x *session) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	_, ok := x.conn.TLSConnectionState()
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	x.s.tls, x.s.raw = append(x.s.tls, ok), append(x.s.raw, string(b))
	return nil
}

func selfSigned(tb testing.TB) (tls.Certificate, *x509.CertPool) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// TestSendWithSTARTTLSAndAuth: the client takes STARTTLS when offered,
// signs in, and the message arrives whole; a wrong password is refused
// without the password in the error.
func TestSendWithSTARTTLSAndAuth(t *testing.T) {
	cert, pool := selfSigned(t)
	s := &server{password: "s3cret-pw"}
	srv := smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) { return &session{s: s, conn: c}, nil }))
	srv.Domain = "localhost"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	c, err := mail.Parse("smtp://nrm:s3cret-pw@" + ln.Addr().String() + "?from=nrm@example.org")
	if err != nil {
		t.Fatal(err)
	}
	c.TLS = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.Send(ctx, "worker@example.org", "nrm: something is waiting for you", "Line one.\n.dot line\nhttps://nrm.example.org/due\n"); err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	if len(s.raw) != 1 || !s.tls[0] {
		t.Fatalf("received %d, encrypted %v", len(s.raw), s.tls)
	}
	raw := s.raw[0]
	s.mu.Unlock()
	for _, want := range []string{"From: nrm@example.org\r\n", "To: worker@example.org\r\n", "Subject: nrm: something is waiting for you\r\n",
		"\r\n\r\nLine one.\r\n.dot line\r\nhttps://nrm.example.org/due\r\n"} {
		if !strings.Contains(raw, want) {
			t.Errorf("the message lacks %q:\n%s", want, raw)
		}
	}

	bad, _ := mail.Parse("smtp://nrm:wrong-pw-777@" + ln.Addr().String() + "?from=nrm@example.org")
	bad.TLS = c.TLS
	err = bad.Send(ctx, "worker@example.org", "s", "b")
	if err == nil || strings.Contains(err.Error(), "wrong-pw-777") || strings.Contains(bad.String(), "wrong-pw-777") {
		t.Errorf("wrong password: %v (%s)", err, bad)
	}
	if err := c.Send(ctx, "not an address\r\nBcc: x@y.z", "s", "b"); err == nil {
		t.Error("a header injected through the recipient")
	}
}
