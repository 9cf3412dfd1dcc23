package service

import (
	"sync"
	"time"
)

// Sign-in throttling. Per account: after freeAttempts failures, the account
// is locked for lockBase, doubling with each further failure up to lockMax
// (stored in the database, so it holds across processes). Per client
// address: at most ipFailures failures per ipWindow (in memory), so one
// client cannot walk through many accounts.
const (
	freeAttempts = 5
	lockBase     = time.Minute
	lockMax      = 15 * time.Minute
	ipFailures   = 30
	ipWindow     = 15 * time.Minute
)

func lockFor(failures int) time.Duration {
	if failures < freeAttempts {
		return 0
	}
	d := lockBase << min(failures-freeAttempts, 10)
	return min(d, lockMax)
}

type throttle struct {
	mu      sync.Mutex
	windows map[string]*ipWindowCount
	limit   int // failures allowed per ipWindow
}

type ipWindowCount struct {
	start time.Time
	n     int
}

func newThrottle() *throttle { return newThrottleOf(ipFailures) }

func newThrottleOf(limit int) *throttle {
	return &throttle{windows: map[string]*ipWindowCount{}, limit: limit}
}

// blocked reports whether addr has failed too often lately.
func (t *throttle) blocked(addr string, now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.windows[addr]
	return w != nil && now.Sub(w.start) < ipWindow && w.n >= t.limit
}

func (t *throttle) fail(addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.windows[addr]
	if w == nil || now.Sub(w.start) >= ipWindow {
		if len(t.windows) > 100_000 {
			t.sweep(now)
		}
		w = &ipWindowCount{start: now}
		t.windows[addr] = w
	}
	w.n++
}

func (t *throttle) sweep(now time.Time) {
	for k, w := range t.windows {
		if now.Sub(w.start) >= ipWindow {
			delete(t.windows, k)
		}
	}
}
