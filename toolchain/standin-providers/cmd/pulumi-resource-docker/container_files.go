package main

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// upload copies each upload into the container as the Terraform provider does:
// one tar of one file per upload, extracted at "/", owned by root, mode from
// permissions (else 0744 when executable, else 0644). Contents never leave memory.
func upload(ctx context.Context, id string, in containerInputs) error {
	for _, u := range in.Uploads {
		set := 0
		for _, v := range []string{u.Content, u.ContentBase64, u.Source} {
			if v != "" {
				set++
			}
		}
		if set == 0 {
			return fmt.Errorf("error with upload content: one of 'content', 'content_base64', or 'source' must be set")
		}
		if set > 1 {
			return fmt.Errorf("error with upload content: only one of 'content', 'content_base64', or 'source' can be set")
		}
		content := []byte(u.Content)
		if u.ContentBase64 != "" {
			content, _ = base64.StdEncoding.DecodeString(u.ContentBase64)
		}
		if u.Source != "" {
			var err error
			if content, err = os.ReadFile(u.Source); err != nil {
				return fmt.Errorf("could not read file: %s", err)
			}
		}
		mode := int64(0o644)
		if u.Permissions != "" {
			m, err := strconv.ParseInt(u.Permissions, 8, 32)
			if err != nil {
				return fmt.Errorf("Error parsing permission: %s", err)
			}
			mode = m
		} else if u.Executable {
			mode = 0o744
		}
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		if err := tw.WriteHeader(&tar.Header{Name: u.File, Mode: mode, Size: int64(len(content)), ModTime: time.Now()}); err != nil {
			return fmt.Errorf("Error creating tar archive: %s", err)
		}
		if _, err := tw.Write(content); err != nil {
			return fmt.Errorf("Error creating tar archive: %s", err)
		}
		if err := tw.Close(); err != nil {
			return fmt.Errorf("Error creating tar archive: %s", err)
		}
		if err := daemon.Do(ctx, "PUT", "/containers/"+id+"/archive", url.Values{"path": {"/"}}, &buf, nil); err != nil {
			return fmt.Errorf("Unable to upload volume content: %s", err)
		}
	}
	return nil
}

// containerLogs is what the logs of an attached container give: its stdout and
// stderr together (Docker multiplexes them in frames unless it has a tty).
func containerLogs(ctx context.Context, id string, tty bool) (string, error) {
	raw, err := daemon.Stream(ctx, "GET", "/containers/"+id+"/logs", url.Values{"stdout": {"1"}, "stderr": {"1"}})
	if err != nil {
		return "", fmt.Errorf("unable to read container logs: %w", err)
	}
	if tty {
		return raw, nil
	}
	var out strings.Builder
	r := strings.NewReader(raw)
	header := make([]byte, 8)
	for {
		if _, err := io.ReadFull(r, header); err != nil {
			return out.String(), nil
		}
		if _, err := io.CopyN(&out, r, int64(binary.BigEndian.Uint32(header[4:]))); err != nil {
			return out.String(), nil
		}
	}
}

// driverOpts turns "key=value" entries into the endpoint's driver options.
func driverOpts(entries []string) map[string]string {
	if len(entries) == 0 {
		return nil
	}
	out := map[string]string{}
	for _, e := range entries {
		k, v, _ := strings.Cut(e, "=")
		out[k] = v
	}
	return out
}
