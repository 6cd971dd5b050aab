package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

// A daemon that answers /version and then the given status for everything else.
func daemonAnswering(t *testing.T, status int, body string) *Client {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/version" {
			_, _ = w.Write([]byte(`{"ApiVersion":"1.41"}`))
			return
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(server.Close)
	t.Setenv("DOCKER_HOST", "tcp://"+server.Listener.Addr().String())
	return New()
}

func TestNotModifiedIsNoError(t *testing.T) {
	// Docker answers 304 to a stop of a stopped container; the Go client, and so the real provider, carries on.
	if err := daemonAnswering(t, http.StatusNotModified, "").Do(context.Background(), "POST", "/containers/x/stop", nil, nil, nil); err != nil {
		t.Fatalf("a 304 answer failed: %v", err)
	}
}

func TestErrorAnswersAreErrors(t *testing.T) {
	err := daemonAnswering(t, http.StatusNotFound, `{"message":"No such container: x"}`).Do(context.Background(), "POST", "/containers/x/stop", nil, nil, nil)
	if !IsNotFound(err) || err.Error() != "Error response from daemon: No such container: x" {
		t.Fatalf("a 404 answer gave %v", err)
	}
}
