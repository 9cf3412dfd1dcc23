// Package mail sends nrm's notification mails over SMTP. It is configured
// with one URL: smtp://user:pass@host:587?from=nrm@example.org takes
// STARTTLS when the server offers it, smtps://...:465 speaks TLS from the
// start. The password never leaves this package: String and errors show
// the URL without it.
package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"strings"
	"time"
)

// Client sends mail through one SMTP server.
type Client struct {
	host, addr string
	implicit   bool // smtps: TLS from the first byte
	user, pass string
	from       string
	// TLS is the configuration of the connection (nil: the system's roots,
	// the server's name); tests trust their own server with it.
	TLS *tls.Config
}

// Parse reads an SMTP URL.
func Parse(raw string) (*Client, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a URL (want smtp://user:pass@host:587?from=nrm@example.org)")
	}
	c := &Client{host: u.Hostname()}
	port := u.Port()
	switch u.Scheme {
	case "smtp":
		if port == "" {
			port = "587"
		}
	case "smtps":
		c.implicit = true
		if port == "" {
			port = "465"
		}
	default:
		return nil, errors.New("the scheme must be smtp:// or smtps://")
	}
	if c.host == "" {
		return nil, errors.New("no host")
	}
	c.addr = net.JoinHostPort(c.host, port)
	if u.User != nil {
		c.user = u.User.Username()
		c.pass, _ = u.User.Password()
	}
	from := u.Query().Get("from")
	if from == "" {
		return nil, errors.New("no sender: add ?from=nrm@example.org")
	}
	a, err := mail.ParseAddress(from)
	if err != nil {
		return nil, errors.New("the from address is not an e-mail address")
	}
	c.from = a.Address
	return c, nil
}

// String is the server without the password.
func (c *Client) String() string {
	scheme := "smtp"
	if c.implicit {
		scheme = "smtps"
	}
	user := ""
	if c.user != "" {
		user = c.user + "@"
	}
	return scheme + "://" + user + c.addr
}

func (c *Client) tlsConfig() *tls.Config {
	if c.TLS != nil {
		return c.TLS
	}
	return &tls.Config{ServerName: c.host, MinVersion: tls.VersionTLS12}
}

// Send sends one plain-text mail to one address.
func (c *Client) Send(ctx context.Context, to, subject, body string) error {
	if _, err := mail.ParseAddress(to); err != nil || strings.ContainsAny(to, "\r\n") {
		return errors.New("mail: bad recipient address")
	}
	d := net.Dialer{Timeout: 20 * time.Second}
	var conn net.Conn
	var err error
	if c.implicit {
		conn, err = (&tls.Dialer{NetDialer: &d, Config: c.tlsConfig()}).DialContext(ctx, "tcp", c.addr)
	} else {
		conn, err = d.DialContext(ctx, "tcp", c.addr)
	}
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", c.addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	sc, err := smtp.NewClient(conn, c.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("mail: %s: %w", c.addr, err)
	}
	defer sc.Close()
	if !c.implicit {
		if ok, _ := sc.Extension("STARTTLS"); ok {
			if err := sc.StartTLS(c.tlsConfig()); err != nil {
				return fmt.Errorf("mail: STARTTLS: %w", err)
			}
		}
	}
	if c.user != "" {
		// net/smtp's PlainAuth refuses to send the password without TLS
		// (except to localhost).
		if err := sc.Auth(smtp.PlainAuth("", c.user, c.pass, c.host)); err != nil {
			return fmt.Errorf("mail: sign-in as %s refused: %w", c.user, err)
		}
	}
	if err := sc.Mail(c.from); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := sc.Rcpt(to); err != nil {
		return fmt.Errorf("mail: RCPT TO refused: %w", err)
	}
	w, err := sc.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(message(c.from, to, subject, body)); err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: not accepted: %w", err)
	}
	return sc.Quit()
}

// message is the mail's bytes: headers, then the body with CRLF lines.
func message(from, to, subject, body string) []byte {
	var b strings.Builder
	b.WriteString("From: " + from + "\r\n")
	b.WriteString("To: " + to + "\r\n")
	b.WriteString("Subject: " + mime.QEncoding.Encode("utf-8", subject) + "\r\n")
	b.WriteString("Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n")
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n")
	b.WriteString("Auto-Submitted: auto-generated\r\n\r\n")
	body = strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n")
	b.WriteString(body) // the DATA writer dot-stuffs the lines
	return []byte(b.String())
}
