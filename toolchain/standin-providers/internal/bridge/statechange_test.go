package bridge

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestStateChangeWaitsForATarget(t *testing.T) {
	states := []string{"pending", "pending", "done"}
	calls := 0
	err := StateChange{Pending: []string{"pending"}, Target: []string{"done"}, Timeout: 5 * time.Second, MinTimeout: time.Millisecond,
		Refresh: func() (string, error) { calls++; return states[calls-1], nil }}.Wait(context.Background())
	if err != nil || calls != 3 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

func TestStateChangeFailsAsTheSDKDoes(t *testing.T) {
	pending := StateChange{Pending: []string{"creating"}, Target: []string{"running", "complete"}, Timeout: 300 * time.Millisecond,
		Refresh: func() (string, error) { return "creating", nil }}
	if err := pending.Wait(context.Background()); err == nil || err.Error() != "timeout while waiting for state to become 'running, complete' (last state: 'creating', timeout: 300ms)" {
		t.Errorf("timeout: %v", err)
	}
	delayed := pending
	delayed.Delay = time.Second
	if err := delayed.Wait(context.Background()); err == nil || !strings.HasSuffix(err.Error(), "'running, complete' (timeout: 300ms)") {
		t.Errorf("timeout during the delay: %v", err)
	}
	odd := StateChange{Pending: []string{"creating"}, Target: []string{"running"}, Timeout: time.Second, Refresh: func() (string, error) { return "paused", nil }}
	if err := odd.Wait(context.Background()); err == nil || err.Error() != "unexpected state 'paused', wanted target 'running'. last error: %!s(<nil>)" {
		t.Errorf("unexpected state: %v", err)
	}
	failing := StateChange{Target: []string{"running"}, Timeout: time.Second, Refresh: func() (string, error) { return "", errors.New("service rollback completed: x") }}
	if err := failing.Wait(context.Background()); err == nil || err.Error() != "service rollback completed: x" {
		t.Errorf("refresh error: %v", err)
	}
}
