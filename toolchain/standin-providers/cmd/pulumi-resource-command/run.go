package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/diag"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

type inputs struct {
	Create, Update, Delete, Dir, Stdin, Logging string
	Environment                                 map[string]string
	Interpreter                                 []string
	AddPreviousOutputInEnv                      *bool
}

// lockedWriter lets stdout and stderr write into one buffer at once.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// run is pulumi-command's run (local/commandOutputs.go): the command under the
// interpreter (/bin/sh -c), in dir (else the provider's working directory),
// with the environment plus PULUMI_COMMAND_STDOUT/STDERR of the previous run,
// each output line sent to the engine as a status message. stdout and stderr
// lose one trailing newline; a failure says "<exit status>: running <command>:"
// and everything the command printed, both streams interleaved.
func (p *commandProvider) run(ctx context.Context, urn string, news, olds resource.PropertyMap, which string) (string, string, error) {
	var in inputs
	if err := standin.Decode(news, &in); err != nil {
		return "", "", err
	}
	command := map[string]string{"create": in.Create, "update": in.Update, "delete": in.Delete}[which]
	args := append([]string{"/bin/sh", "-c"}, command)
	if len(in.Interpreter) > 0 {
		args = append(append([]string{}, in.Interpreter...), command)
	}
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = in.Dir
	if cmd.Dir == "" {
		dir, err := os.Getwd()
		if err != nil {
			return "", "", err
		}
		cmd.Dir = dir
	}
	cmd.Env = os.Environ()
	for k, v := range in.Environment {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	if in.AddPreviousOutputInEnv == nil || *in.AddPreviousOutputInEnv {
		for k, env := range map[resource.PropertyKey]string{"stdout": "PULUMI_COMMAND_STDOUT", "stderr": "PULUMI_COMMAND_STDERR"} {
			if v, _ := standin.Plain(olds[k]).(string); v != "" {
				cmd.Env = append(cmd.Env, env+"="+v)
			}
		}
	}
	if in.Stdin != "" {
		cmd.Stdin = strings.NewReader(in.Stdin)
	}
	var stdout, stderr, both bytes.Buffer
	combined := &lockedWriter{w: &both}
	logs, logWriter := io.Pipe()
	stdoutWriters, stderrWriters := []io.Writer{&stdout, combined}, []io.Writer{&stderr, combined}
	if in.Logging == "" || in.Logging == "stdout" || in.Logging == "stdoutAndStderr" {
		stdoutWriters = append(stdoutWriters, logWriter)
	}
	if in.Logging == "" || in.Logging == "stderr" || in.Logging == "stdoutAndStderr" {
		stderrWriters = append(stderrWriters, logWriter)
	}
	cmd.Stdout, cmd.Stderr = io.MultiWriter(stdoutWriters...), io.MultiWriter(stderrWriters...)
	done := make(chan struct{})
	go p.logLines(ctx, urn, logs, done)
	err := cmd.Run()
	logWriter.Close()
	<-done
	if err != nil {
		return "", "", fmt.Errorf("%w: running %q:\n%s", err, command, both.String())
	}
	return strings.TrimSuffix(stdout.String(), "\n"), strings.TrimSuffix(stderr.String(), "\n"), nil
}

func (p *commandProvider) logLines(ctx context.Context, urn string, r io.Reader, done chan<- struct{}) {
	defer close(done)
	scanner := bufio.NewScanner(r)
	for scanner.Scan() {
		if p.host != nil {
			_ = p.host.LogStatus(ctx, diag.Info, resource.URN(urn), scanner.Text())
		}
	}
	_, _ = io.Copy(io.Discard, r)
}
