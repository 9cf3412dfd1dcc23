package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// InboxPath is where an instance receives packets.
const InboxPath = "/api/v1/exchange/inbox"

// Client delivers packets to partners' inboxes over HTTP(S). Its zero value
// is not usable: NewClient sets the timeouts.
type Client struct {
	http *http.Client
}

// NewClient returns a client whose whole exchange with a partner (dial,
// TLS, request, answer) takes at most timeout, that follows no redirects,
// and reads at most 64 KiB of an answer.
func NewClient(timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{http: &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// maxAnswer bounds what is read of a partner's answer.
const maxAnswer = 64 << 10

// DeliveryError is a delivery that failed. Permanent: the partner refused
// the packet (a 4xx other than a replay): trying again will not help.
type DeliveryError struct {
	Status    int    // the HTTP status, 0 when none came back
	Reason    string // the partner's error code, if it said one
	Permanent bool
	err       error
}

func (e *DeliveryError) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("delivery: the partner answered %d %s", e.Status, e.Reason)
	}
	return "delivery: " + e.err.Error()
}

func (e *DeliveryError) Unwrap() error { return e.err }

// ErrAlreadyReceived is a packet the partner says it has received already
// (a replay of our own packet: an earlier attempt got through).
var ErrAlreadyReceived = errors.New("delivery: the partner has this packet already")

// Deliver posts a packet (its JSON) to the inbox under baseURL.
func (c *Client) Deliver(ctx context.Context, baseURL string, packet []byte) error {
	url := strings.TrimRight(baseURL, "/") + InboxPath
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(packet))
	if err != nil {
		return &DeliveryError{Permanent: true, err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return &DeliveryError{err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if resp.StatusCode/100 == 2 {
		return nil
	}
	var answer struct {
		Error struct {
			Code   string `json:"code"`
			Reason string `json:"reason"`
		} `json:"error"`
	}
	json.Unmarshal(body, &answer)
	if resp.StatusCode == http.StatusConflict && answer.Error.Reason == RejectReplay {
		return ErrAlreadyReceived
	}
	reason := answer.Error.Reason
	if reason == "" {
		reason = answer.Error.Code
	}
	permanent := resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests &&
		resp.StatusCode != http.StatusRequestTimeout
	return &DeliveryError{Status: resp.StatusCode, Reason: reason, Permanent: permanent}
}

// RejectReplay is a packet id received from this sender before.
const RejectReplay = "replay"

// RejectUnknownReferral is an ack, follow-up or withdrawal about a referral
// the two instances never exchanged.
const RejectUnknownReferral = "unknown-referral"
