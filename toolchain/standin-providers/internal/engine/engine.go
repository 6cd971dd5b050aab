// Package engine talks to the Docker Engine API (its socket, or tcp://), as the real
// providers do through the Docker Go client: the same requests, so that Docker
// fills in the same defaults (MemorySwap, ShmSize, ...) the real provider then
// reads back. Errors read like the Go client's: "Error response from daemon: ...".
package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
)

// Client is one connection setting to the daemon; the API version is the
// daemon's own, negotiated on first use as the Go client does.
type Client struct {
	http    *http.Client
	host    string
	base    string
	once    sync.Once
	version string
	err     error
}

// DefaultHost is the daemon address the providers use when none is configured:
// DOCKER_HOST, else the local socket.
func DefaultHost() string {
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		return host
	}
	return "unix:///var/run/docker.sock"
}

// New connects to DefaultHost.
func New() *Client {
	c, err := NewHost(DefaultHost())
	if err != nil {
		return &Client{http: &http.Client{}, host: DefaultHost(), err: err, base: "http://invalid"}
	}
	return c
}

// NewHost connects to a daemon address as the Docker client takes it:
// unix:///path or tcp://host:port (plain HTTP; TLS and ssh:// are not implemented).
func NewHost(host string) (*Client, error) {
	if socket, ok := strings.CutPrefix(host, "unix://"); ok {
		dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		}
		return &Client{http: &http.Client{Transport: &http.Transport{DialContext: dial}}, host: host, base: "http://docker"}, nil
	}
	address, ok := strings.CutPrefix(host, "tcp://")
	if !ok || address == "" || strings.Contains(address, "/") {
		return nil, fmt.Errorf("the stand-in docker provider reaches a daemon at unix:///<socket> or tcp://<host>:<port> only (got host %q; see toolchain/standin-providers/README.md)", host)
	}
	if !strings.Contains(address, ":") {
		address += ":2375"
	}
	return &Client{http: &http.Client{}, host: host, base: "http://" + address}, nil
}

// APIError is an error answer (4xx, 5xx) of the daemon.
type APIError struct {
	Status  int
	Message string
}

func (e *APIError) Error() string { return "Error response from daemon: " + e.Message }

// IsNotFound tells whether err is the daemon's 404.
func IsNotFound(err error) bool {
	var api *APIError
	return errors.As(err, &api) && api.Status == http.StatusNotFound
}

// negotiate pings the daemon and takes its API version, once, as the
// providers' MakeClient does before their first request.
func (c *Client) negotiate(ctx context.Context) (string, error) {
	c.once.Do(func() {
		if c.err != nil {
			return
		}
		var v struct{ APIVersion string }
		if err := c.call(ctx, http.MethodGet, "/version", nil, nil, nil, &v); err != nil {
			c.err = fmt.Errorf("Error pinging Docker server, please make sure that %s is reachable and has a  '_ping' endpoint. Error: %w", c.host, err)
		}
		c.version = "/v" + v.APIVersion
	})
	return c.version, c.err
}

// Do sends body (JSON, or raw when it is an io.Reader) and decodes a JSON answer into out (when not nil).
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	return c.DoWithHeader(ctx, method, path, query, nil, body, out)
}

// DoWithHeader is Do with extra request headers (X-Registry-Auth).
func (c *Client) DoWithHeader(ctx context.Context, method, path string, query url.Values, header http.Header, body, out any) error {
	version, err := c.negotiate(ctx)
	if err != nil {
		return err
	}
	return c.call(ctx, method, version+path, query, header, body, out)
}

// Stream sends a request whose answer is a stream of JSON messages (pull,
// build) and reads it to the end, as the real providers do.
func (c *Client) Stream(ctx context.Context, method, path string, query url.Values) (string, error) {
	var raw json.RawMessage
	err := c.Do(ctx, method, path, query, nil, &raw)
	return string(raw), err
}

func (c *Client) call(ctx context.Context, method, path string, query url.Values, header http.Header, body, out any) error {
	var reader io.Reader
	contentType := "application/json"
	switch b := body.(type) {
	case nil:
	case io.Reader:
		reader, contentType = b, "application/x-tar"
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(raw)
	}
	target := c.base + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, target, reader)
	if err != nil {
		return err
	}
	if reader != nil {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("Cannot connect to the Docker daemon (%s): %w", c.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	// As the Go client: below 400 is an answer, not an error (stopping a stopped
	// container, or starting a started one, answers 304 Not Modified).
	if resp.StatusCode >= 400 {
		var msg struct{ Message string }
		if json.Unmarshal(raw, &msg) != nil || msg.Message == "" {
			msg.Message = strings.TrimSpace(string(raw))
		}
		return &APIError{Status: resp.StatusCode, Message: msg.Message}
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	if rawOut, ok := out.(*json.RawMessage); ok {
		*rawOut = raw
		return nil
	}
	return json.Unmarshal(raw, out)
}
