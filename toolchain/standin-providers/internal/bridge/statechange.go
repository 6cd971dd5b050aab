package bridge

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// StateChange is the Terraform SDK's retry.StateChangeConf (helper/retry/state.go
// of terraform-plugin-sdk v2) as the Terraform providers use it: wait Delay,
// then call Refresh until it reports a Target state, waiting between calls
// 100 ms, doubling, at least MinTimeout and at most 10 s; a state that is
// neither Pending nor Target, or an error, ends the wait at once. The timeout
// counts from the start; a Refresh already running when it strikes still
// counts (the SDK's grace period), then the wait fails with the SDK's message.
type StateChange struct {
	Delay, Timeout, MinTimeout time.Duration
	Pending, Target            []string
	Refresh                    func() (state string, err error)
}

// Wait returns nil once Refresh reports a Target state.
func (c StateChange) Wait(ctx context.Context) error {
	deadline := time.Now().Add(c.Timeout)
	last := ""
	if !sleepUntil(ctx, time.Now().Add(c.Delay), deadline) {
		return c.timeout(ctx, last)
	}
	wait := time.Duration(0)
	for {
		if !sleepUntil(ctx, time.Now().Add(wait), deadline) {
			return c.timeout(ctx, last)
		}
		if wait == 0 {
			wait = 100 * time.Millisecond
		}
		state, err := c.Refresh()
		if err != nil {
			return err
		}
		last = state
		if contains(c.Target, state) {
			return nil
		}
		if !contains(c.Pending, state) && len(c.Pending) > 0 {
			return fmt.Errorf("unexpected state '%s', wanted target '%s'. last error: %s", state, strings.Join(c.Target, ", "), error(nil))
		}
		wait = min(max(wait*2, c.MinTimeout), 10*time.Second)
	}
}

func (c StateChange) timeout(ctx context.Context, last string) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	info := []string{}
	if last != "" {
		info = append(info, fmt.Sprintf("last state: '%s'", last))
	}
	if c.Timeout > 0 {
		info = append(info, fmt.Sprintf("timeout: %s", c.Timeout))
	}
	suffix := ""
	if len(info) > 0 {
		suffix = " (" + strings.Join(info, ", ") + ")"
	}
	return fmt.Errorf("timeout while waiting for state to become '%s'%s", strings.Join(c.Target, ", "), suffix)
}

// sleepUntil sleeps until `until`, or returns false at the deadline or when ctx ends.
func sleepUntil(ctx context.Context, until, deadline time.Time) bool {
	stop := until
	if deadline.Before(stop) {
		stop = deadline
	}
	select {
	case <-ctx.Done():
		return false
	case <-time.After(time.Until(stop)):
		return !until.After(deadline)
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
